using System.Text.Json;
using Ncco.Calls;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Scheduling;
using Ncco.Testing;
using Ncco.Webhooks;

namespace Ncco.Vm.Tests;

/// <summary>
/// Call setup ahead of in-call work on the VM's logical thread (<see cref="VmScheduler.PostSetup"/>): a new call and its
/// answer webhook's result do not queue behind other calls' work, regular work still gets its turn, and one call's work
/// keeps its order. Driven by hand (<see cref="ManualScheduler"/>): no timing is asserted, only which item ran first.
/// </summary>
public class SetupPrecedenceTests
{
    [Fact]
    public void Setup_work_runs_ahead_of_regular_work_queued_before_it_and_each_lane_keeps_its_order()
    {
        var scheduler = new ManualScheduler();
        var ran = new List<string>();
        scheduler.Post(() => ran.Add("r1"));
        scheduler.Post(() => ran.Add("r2"));
        scheduler.PostSetup(() => ran.Add("s1"));
        scheduler.PostSetup(() => ran.Add("s2"));
        scheduler.Post(() => ran.Add("r3"));

        Assert.Equal(5, scheduler.RunQueued());

        Assert.Equal(["s1", "s2", "r1", "r2", "r3"], ran);
    }

    [Fact]
    public void Regular_work_gets_one_turn_after_each_run_of_SetupPrecedence_setup_items()
    {
        var scheduler = new ManualScheduler();
        var ran = new List<string>();
        scheduler.Post(() => ran.Add("r1"));
        scheduler.Post(() => ran.Add("r2"));
        var setups = (2 * VmScheduler.SetupPrecedence) + 3;
        for (var i = 1; i <= setups; i++)
        {
            var n = i;
            scheduler.PostSetup(() => ran.Add("s" + n));
        }

        scheduler.RunQueued();

        var expected = new List<string>();
        expected.AddRange(Enumerable.Range(1, VmScheduler.SetupPrecedence).Select(i => "s" + i));
        expected.Add("r1");
        expected.AddRange(Enumerable.Range(VmScheduler.SetupPrecedence + 1, VmScheduler.SetupPrecedence).Select(i => "s" + i));
        expected.Add("r2");
        expected.AddRange(Enumerable.Range((2 * VmScheduler.SetupPrecedence) + 1, 3).Select(i => "s" + i));
        Assert.Equal(expected, ran);
    }

    [Fact]
    public void Setup_work_posted_by_running_work_goes_before_the_regular_work_still_queued()
    {
        var scheduler = new ManualScheduler();
        var ran = new List<string>();
        scheduler.Post(() =>
        {
            ran.Add("r1");
            scheduler.PostSetup(() => ran.Add("s1"));
        });
        scheduler.Post(() => ran.Add("r2"));

        scheduler.RunQueued();

        Assert.Equal(["r1", "s1", "r2"], ran);
    }

    [Fact]
    public void A_setup_external_result_comes_back_ahead_of_queued_regular_work_and_a_regular_one_behind_it()
    {
        var scheduler = new ManualScheduler();
        var ran = new List<string>();
        var setupWork = new TaskCompletionSource<int>();
        var regularWork = new TaskCompletionSource<int>();
        var setup = scheduler.RunSetupExternal(_ => setupWork.Task);
        var regular = scheduler.RunExternal(_ => regularWork.Task);
        _ = setup.ContinueWith(t => ran.Add("setup result " + t.Result), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _ = regular.ContinueWith(t => ran.Add("regular result " + t.Result), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Assert.Equal(2, scheduler.InFlight);

        scheduler.Post(() => ran.Add("r1"));
        regularWork.SetResult(1);
        setupWork.SetResult(2);
        scheduler.RunQueued();

        Assert.Equal(["setup result 2", "r1", "regular result 1"], ran);
        Assert.Equal(0, scheduler.InFlight);
    }

    [Fact]
    public async Task A_new_call_is_answered_before_other_calls_queued_in_call_work_and_its_events_keep_their_order()
    {
        var scheduler = new ManualScheduler();
        var statuses = new List<string>();
        var vm = new NccoVm(new NccoVmOptions
        {
            Application = Sim.ExampleApplication(),
            Transport = new DelegateWebhookTransport((request, _) =>
            {
                if (request.Kind == WebhookKind.Answer) return Task.FromResult(WebhookResponse.Ncco(NccoBuilder.Create().Wait(1).Build()));
                if (StatusOf(request) is { } status) statuses.Add(status);
                return Task.FromResult(WebhookResponse.Empty);
            }),
            Scheduler = scheduler,
        });
        var inCallWork = 0;
        for (var i = 0; i < 100; i++) scheduler.Post(() => inCallWork++);
        var leg = new VirtualLeg(scheduler);
        int? inCallWorkDoneAtAnswer = null;
        leg.Changed += l =>
        {
            if (l.Answered) inCallWorkDoneAtAnswer ??= inCallWork;
        };

        var accepted = vm.AcceptInboundAsync(leg, new InboundCall { From = "447700900001", To = "447700900000" });
        scheduler.RunQueued();
        await accepted;

        Assert.True(leg.Answered);
        // In one queue the call would have waited for all 100 items twice (its arrival, its answer's result).
        Assert.Equal(0, inCallWorkDoneAtAnswer);
        Assert.Equal(100, inCallWork);
        Assert.Equal(["started", "ringing", "answered"], statuses);
    }

    [Fact]
    public async Task A_caller_who_hangs_up_while_the_answer_webhook_is_out_is_not_answered_though_regular_work_is_queued()
    {
        var scheduler = new ManualScheduler();
        var statuses = new List<string>();
        var answer = new TaskCompletionSource<WebhookResponse>();
        var vm = new NccoVm(new NccoVmOptions
        {
            Application = Sim.ExampleApplication(),
            Transport = new DelegateWebhookTransport((request, _) =>
            {
                if (request.Kind == WebhookKind.Answer) return answer.Task;
                if (StatusOf(request) is { } status) statuses.Add(status);
                return Task.FromResult(WebhookResponse.Empty);
            }),
            Scheduler = scheduler,
        });
        var leg = new VirtualLeg(scheduler);
        var accepted = vm.AcceptInboundAsync(leg, new InboundCall { From = "447700900001", To = "447700900000" });
        scheduler.RunQueued();
        var call = await accepted;
        for (var i = 0; i < 20; i++) scheduler.Post(() => { });

        // The caller's CANCEL is reported before the answer's result arrives: the VM must see them in that order, although
        // the result goes through the setup lane, ahead of the queued regular work.
        leg.HangUp();
        answer.SetResult(WebhookResponse.Ncco(NccoBuilder.Create().Talk("too late").Build()));
        scheduler.RunQueued();

        Assert.False(leg.Answered);
        Assert.True(call.IsEnded);
        Assert.DoesNotContain("answered", statuses);
        Assert.Equal(["started", "ringing"], statuses.Take(2));
    }

    private static string? StatusOf(WebhookRequest request)
    {
        using var json = JsonDocument.Parse(request.PayloadJson);
        return json.RootElement.TryGetProperty("status", out var status) ? status.GetString() : null;
    }
}
