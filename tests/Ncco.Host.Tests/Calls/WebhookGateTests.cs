using Ncco.Host.Calls;

namespace Ncco.Host.Tests.Calls;

/// <summary>The host's webhook bound puts answer webhooks (call setup) ahead of event webhooks.</summary>
public sealed class WebhookGateTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_answer_enters_at_once_while_a_thousand_events_wait()
    {
        var gate = new WebhookGate(capacity: 8, answerReserve: 2);
        var events = Enumerable.Range(0, 1000).Select(_ => gate.EnterAsync(answer: false, CancellationToken.None)).ToList();

        Assert.Equal(6, events.Count(t => t.IsCompleted));
        Assert.Equal((0, 994), gate.Waiting);
        var answer = gate.EnterAsync(answer: true, CancellationToken.None);
        Assert.True(answer.IsCompletedSuccessfully, "the answer took a reserved slot without waiting");
        Assert.Equal(7, gate.InFlight);
        await answer;
    }

    [Fact]
    public async Task A_freed_slot_goes_to_a_waiting_answer_before_any_event()
    {
        var gate = new WebhookGate(capacity: 4, answerReserve: 1);
        for (var i = 0; i < 3; i++) await gate.EnterAsync(answer: false, CancellationToken.None);
        await gate.EnterAsync(answer: true, CancellationToken.None);
        var queuedEvent = gate.EnterAsync(answer: false, CancellationToken.None);
        var queuedAnswer = gate.EnterAsync(answer: true, CancellationToken.None);
        Assert.False(queuedEvent.IsCompleted);
        Assert.False(queuedAnswer.IsCompleted);

        gate.Exit(answer: false);

        await queuedAnswer.WaitAsync(Guard);
        Assert.False(queuedEvent.IsCompleted, "the event queued first still waits: the answer went ahead of it");
        gate.Exit(answer: true);
        await queuedEvent.WaitAsync(Guard);
        Assert.Equal(4, gate.InFlight);
    }

    [Fact]
    public async Task Events_never_take_the_reserved_slots()
    {
        var gate = new WebhookGate(capacity: 4, answerReserve: 2);
        await gate.EnterAsync(answer: false, CancellationToken.None);
        await gate.EnterAsync(answer: false, CancellationToken.None);
        var third = gate.EnterAsync(answer: false, CancellationToken.None);

        Assert.False(third.IsCompleted);
        Assert.Equal(2, gate.InFlight);
        await gate.EnterAsync(answer: true, CancellationToken.None);
        gate.Exit(answer: true);
        Assert.False(third.IsCompleted, "an answer's slot freed is still not an event's");
        gate.Exit(answer: false);
        await third.WaitAsync(Guard);
    }

    [Fact]
    public async Task A_cancelled_waiter_takes_no_slot_and_blocks_no_thread()
    {
        var gate = new WebhookGate(capacity: 1, answerReserve: 0);
        await gate.EnterAsync(answer: true, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(answer: true, cts.Token);
        var next = gate.EnterAsync(answer: false, CancellationToken.None);

        // Both are tasks that have not completed: the callers' threads went back to the pool.
        Assert.False(cancelled.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Guard));
        gate.Exit(answer: true);

        await next.WaitAsync(Guard);
        Assert.Equal(1, gate.InFlight);
        Assert.Equal((0, 0), gate.Waiting);
    }

    [Fact]
    public void Bad_sizes_and_an_unmatched_exit_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WebhookGate(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WebhookGate(4, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WebhookGate(4, -1));
        var gate = new WebhookGate(4, 1);
        Assert.Throws<InvalidOperationException>(() => gate.Exit(answer: false));
    }
}
