using Ncco.Testing.Time;

namespace Ncco.Vm.Tests;

/// <summary>The simulator's scheduler: webhook answers are delivered in request order, timers by due time then creation order.</summary>
public class VirtualSchedulerOrderTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Answers_that_come_back_out_of_order_are_delivered_in_request_order()
    {
        var scheduler = new VirtualScheduler(Start) { WebhookGuard = TimeSpan.FromMilliseconds(200) };
        var answers = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource<int>()).ToArray();
        var delivered = new List<int>();
        var results = answers.Select(answer => scheduler.RunExternal(_ => answer.Task)).ToArray();
        for (var i = 0; i < results.Length; i++)
        {
            var number = i;
            _ = results[i].ContinueWith(_ => delivered.Add(number), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        answers[2].SetResult(2);
        Assert.Equal(RunOutcome.WebhookStuck, scheduler.RunUntil(() => results[2].IsCompleted, Start.AddMinutes(1)));
        Assert.Empty(delivered);

        answers[0].SetResult(0);
        Assert.Equal(RunOutcome.Satisfied, scheduler.RunUntil(() => results[0].IsCompleted, Start.AddMinutes(1)));
        Assert.Equal([0], delivered);

        answers[1].SetResult(1);
        Assert.Equal(RunOutcome.Idle, scheduler.RunUntil(() => false, Start.AddMinutes(1)));
        Assert.Equal([0, 1, 2], delivered);
        Assert.Equal(0, scheduler.InFlight);
    }

    [Fact]
    public void Timers_fire_by_due_time_then_in_creation_order()
    {
        var scheduler = new VirtualScheduler(Start);
        var fired = new List<string>();
        scheduler.Schedule(TimeSpan.FromSeconds(2), () => fired.Add("2s first"));
        scheduler.Schedule(TimeSpan.FromSeconds(1), () => fired.Add("1s"));
        scheduler.Schedule(TimeSpan.FromSeconds(2), () => fired.Add("2s second"));
        scheduler.Schedule(TimeSpan.FromTicks(-5), () => fired.Add("past, runs now"));
        scheduler.Schedule(TimeSpan.FromSeconds(2), () => fired.Add("cancelled")).Dispose();

        Assert.Equal(RunOutcome.Idle, scheduler.RunUntil(() => false, Start.AddMinutes(1)));

        Assert.Equal(["past, runs now", "1s", "2s first", "2s second"], fired);
        Assert.Equal(Start.AddSeconds(2), scheduler.UtcNow);
    }
}
