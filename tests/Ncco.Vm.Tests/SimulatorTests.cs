using Ncco.Diagnostics;
using Ncco.Model;
using Ncco.Scheduling;
using Ncco.Testing;
using Ncco.Testing.Hosting;
using Ncco.Testing.Snapshots;
using Ncco.Testing.Time;

namespace Ncco.Vm.Tests;

/// <summary>The virtual caller's own guarantees: determinism, failure messages, guards, renderings.</summary>
public class SimulatorTests
{
    private static WebhookApp Menu() => new WebhookApp()
        .Map("/webhooks/answer", NccoBuilder.Create().Talk("Welcome. Press 1 for sales or 2 for support.", bargeIn: true)
            .Input(InputTypes.Dtmf | InputTypes.Speech, eventUrl: "https://app.example/menu", dtmf: new() { MaxDigits = 1 }).Build())
        .Map("/menu", r => NccoBuilder.Create().Talk(r.Digits == "1" || r.SpeechText == "sales" ? "Sales, please hold" : "Support, please hold").Build())
        .Map("/webhooks/event", _ => null);

    private static async Task<string> RunMenuAsync()
    {
        await using var sim = VoiceSimulator.Start(Menu());
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("Welcome");
        await call.SaysAsync("sales");
        await call.HearsAsync("Sales, please hold");
        await call.EndsAsync();
        return sim.Log.RenderText();
    }

    [Fact]
    public async Task Same_flow_gives_the_same_log_ids_and_timestamps_every_run()
    {
        var first = await RunMenuAsync();
        var second = await RunMenuAsync();
        Assert.Equal(first, second);
        Snapshot.Match(first, "menu-transcript");
    }

    [Fact]
    public async Task A_ten_minute_flow_runs_in_milliseconds()
    {
        var (sim, _) = Sim.With(NccoBuilder.Create().Talk("Please wait").Wait(600).Talk("Thanks for waiting"));
        await using var _s = sim;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("Thanks for waiting", within: TimeSpan.FromMinutes(15));
        Assert.True(sim.Now - sim.Options.StartTime > TimeSpan.FromMinutes(10));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Failure_message_shows_expected_actual_and_the_call_log()
    {
        await using var sim = VoiceSimulator.Start(Menu());
        var call = await sim.CallAsync("447700900001", "447700900000");
        var e = await Assert.ThrowsAsync<VoiceExpectationException>(() => call.HearsAsync("billing").AsTask());
        Assert.Contains("Expected caller to hear \"billing\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("the call ended at +00:", e.Message, StringComparison.Ordinal);
        Assert.Contains("talk \"Welcome. Press 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("Call log (virtual time; webhook payloads left out, repeats collapsed):", e.Message, StringComparison.Ordinal);
        Assert.Contains("GET /webhooks/answer answer → 200", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_goes_straight_into_Assert_ThrowsAsync_as_a_Task()
    {
        await using var sim = VoiceSimulator.Start(Menu());
        var call = await sim.CallAsync("447700900001", "447700900000");
        // No .AsTask(): a step converts to Task (and a step with a value to Task<T>), as a newcomer writes it.
        var heard = await Assert.ThrowsAsync<VoiceExpectationException>(() => call.HearsAsync("billing"));
        Assert.Contains("Expected caller to hear \"billing\"", heard.Message, StringComparison.Ordinal);
        var input = await Assert.ThrowsAsync<VoiceExpectationException>(() => call.InputResultAsync(r => r.Digits == "9"));
        Assert.Contains("r => r.Digits == \"9\"", input.Message, StringComparison.Ordinal);
        Task<ReceivedWebhook> completed = call.ReceivedEventAsync("completed");
        Assert.Equal("completed", (await completed).Status);
    }

    [Fact]
    public async Task An_outbound_call_that_never_comes_says_how_long_it_waited_and_how_to_wait_longer()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", NccoBuilder.Create().Talk("Please hold").Conversation("queue").Build())
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        await sim.CallAsync("447700900001", "447700900000");
        var e = await Assert.ThrowsAsync<VoiceExpectationException>(() => sim.ExpectOutboundCallAsync(to: "447700900099", within: TimeSpan.FromSeconds(30)));
        Assert.StartsWith("Expected an outbound call to 447700900099, but none was made (waited 30 s of virtual time; wait longer with within: or SimulatorOptions.DefaultTimeout).", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Digits_of_an_input_with_no_key_pressed_is_empty_not_null()
    {
        await using var sim = VoiceSimulator.Start(Menu());
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.SaysAsync("sales");
        var input = await call.InputResultAsync(r => r.Digits == "");
        Assert.Equal("sales", input.SpeechText);
        Assert.Null(input.Field("dtmf.digits"));   // the wire keeps Vonage's "digits": null
        Assert.Null((await call.ReceivedEventAsync("completed")).Digits);
    }

    [Fact]
    public async Task An_expectation_that_is_never_awaited_fails_the_test_at_dispose()
    {
        var sim = VoiceSimulator.Start(Menu());
        var call = await sim.CallAsync("447700900001", "447700900000");
        _ = call.HearsAsync("Welcome"); // missing await
        var e = await Assert.ThrowsAsync<UnawaitedExpectationException>(async () => await sim.DisposeAsync());
        Assert.Contains("SimulatorTests.cs:", e.Message, StringComparison.Ordinal);
        Assert.Contains("hear \"Welcome\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mermaid_rendering_is_a_sequence_diagram_with_parties_vm_and_app()
    {
        await using var sim = VoiceSimulator.Start(Menu());
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.PressAsync("2");
        await call.HearsAsync("Support");
        var mermaid = sim.Log.RenderMermaid();
        Assert.StartsWith("sequenceDiagram", mermaid, StringComparison.Ordinal);
        Assert.Contains("participant P1 as caller", mermaid, StringComparison.Ordinal);
        Assert.Contains("P1->>VM: +00:00.000 pressed 2", mermaid, StringComparison.Ordinal);
        Assert.Contains("VM->>App:", mermaid, StringComparison.Ordinal);
        Assert.Contains("VM->>P1:", mermaid, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sequence_diagram_as_data_is_what_the_mermaid_text_renders()
    {
        await using var sim = VoiceSimulator.Start(Menu());
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.PressAsync("2");
        await call.HearsAsync("Support");
        var diagram = sim.Log.RenderSequence();
        var mermaid = sim.Log.RenderMermaid().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["P1", "VM", "App"], diagram.Participants.Select(p => p.Id));
        Assert.Equal("caller", diagram.Participants[0].Label);
        var ids = diagram.Participants.Select(p => p.Id).ToHashSet();
        Assert.All(diagram.Steps, s => Assert.True(ids.Contains(s.From) && ids.Contains(s.To), $"{s.From} → {s.To}"));
        // One Mermaid line per participant and per step, in the same order: both come from the same entries.
        Assert.Equal(1 + diagram.Participants.Count + diagram.Steps.Count, mermaid.Length);
        Assert.Contains(diagram.Steps, s => s is { Kind: SequenceStepKind.Message, From: "P1", To: "VM", Time: "+00:00.000", Text: "pressed 2" });
        Assert.Contains(diagram.Steps, s => s is { Kind: SequenceStepKind.Reply, From: "App", To: "VM", Time: null });
        Assert.Contains(diagram.Steps, s => s.Kind == SequenceStepKind.Note && s.Text.StartsWith("action: ", StringComparison.Ordinal));
        for (var i = 0; i < diagram.Steps.Count; i++)
        {
            var step = diagram.Steps[i];
            var line = mermaid[1 + diagram.Participants.Count + i];
            Assert.StartsWith("  " + (step.Kind == SequenceStepKind.Note ? "Note over " : step.From), line, StringComparison.Ordinal);
            Assert.EndsWith(step.Text.Replace(";", "#59;", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal), line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Concurrent_runners_on_one_scheduler_fail_fast()
    {
        var scheduler = new VirtualScheduler(DateTimeOffset.UnixEpoch);
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        scheduler.Post(() =>
        {
            inside.Set();
            release.Wait();
        });
        var first = Task.Run(() => scheduler.RunUntilAsync(() => false, DateTimeOffset.UnixEpoch));
        inside.Wait();
        await Assert.ThrowsAsync<VmConcurrencyException>(() => scheduler.RunUntilAsync(() => false, DateTimeOffset.UnixEpoch));
        release.Set();
        await first;
    }

    [Fact]
    public async Task Virtual_time_jumps_to_timers_in_order_and_stops_when_idle()
    {
        var scheduler = new VirtualScheduler(DateTimeOffset.UnixEpoch);
        var fired = new List<string>();
        scheduler.Schedule(TimeSpan.FromSeconds(5), () => fired.Add("b"));
        scheduler.Schedule(TimeSpan.FromSeconds(1), () => fired.Add("a"));
        scheduler.Schedule(TimeSpan.FromSeconds(5), () => fired.Add("c"));
        scheduler.Schedule(TimeSpan.FromSeconds(9), () => fired.Add("x")).Dispose();
        var outcome = await scheduler.RunUntilAsync(() => false, DateTimeOffset.UnixEpoch.AddHours(1));
        Assert.Equal(RunOutcome.Idle, outcome);
        Assert.Equal(["a", "b", "c"], fired);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(5), scheduler.UtcNow);
    }
}
