using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Vm.Tests;

/// <summary>Typed, auto-waiting webhook assertions on the simulator and on each party, and their Not forms.</summary>
public class WebhookAssertionTests
{
    // NCCOs as JSON, as an app in any language returns them.
    private const string Pin = """
        [{"action":"talk","text":"Enter your PIN"},
         {"action":"input","type":["dtmf"],"dtmf":{"maxDigits":6,"timeOut":5},"eventUrl":["https://app.example/rx"]}]
        """;

    private static WebhookApp App() => new WebhookApp()
        .Map("/webhooks/answer", _ => Pin)
        .Map("/rx", r => r.Digits == "123456"
            ? """[{"action":"notify","payload":{"step":"verified","tries":1},"eventUrl":["https://app.example/progress"]},{"action":"talk","text":"Thank you"}]"""
            : """[{"action":"talk","text":"Wrong PIN. Goodbye."}]""")
        .Map("/progress", _ => null)
        .Map("/webhooks/event", _ => null);

    [Fact]
    public async Task Simulator_waits_for_a_webhook_with_a_field_and_returns_it_typed()
    {
        await using var sim = VoiceSimulator.Start(App());
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("Enter your PIN");
        await call.PressAsync("123456");
        var rx = await sim.WebhookAsync("/rx", w => w.Field("dtmf.digits") == "123456");
        Assert.Equal("123456", rx.Digits);
        Assert.Equal("input", rx.Kind);
        Assert.Equal(call.Uuid, rx.LegId);
        Assert.Equal(200, rx.StatusCode);
        await call.HearsAsync("Thank you");
    }

    [Fact]
    public async Task Party_assertions_cover_status_events_input_results_and_notify_payloads()
    {
        await using var sim = VoiceSimulator.Start(App());
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.ReceivedEventAsync("answered");
        await call.HearsAsync("Enter your PIN");
        await call.PressAsync("123456");
        var input = await call.InputResultAsync();
        Assert.Equal("123456", input.Digits);
        var notify = await call.NotifyAsync(w => w.Field("payload.step") == "verified");
        Assert.Equal("1", notify.Field("payload.tries"));
        Assert.Equal("verified", notify.NotifyPayload!.Value.GetProperty("step").GetString());
        var completed = await call.ReceivedEventAsync("completed");
        Assert.NotNull(completed.Field("duration"));
    }

    [Fact]
    public async Task Each_webhook_satisfies_one_assertion_so_a_second_assertion_waits_for_a_second_webhook()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => """[{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1},"eventUrl":["https://app.example/key"]}]""")
            .Map("/key", _ => """[{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1},"eventUrl":["https://app.example/key"]}]""")
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.PressAsync("1");
        await call.PressAsync("2");
        Assert.Equal("1", (await call.InputResultAsync()).Digits);
        Assert.Equal("2", (await call.InputResultAsync()).Digits);
    }

    [Fact]
    public async Task Record_event_is_asserted_on_the_party()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => """[{"action":"record","endOnKey":"#","eventUrl":["https://app.example/recording"]}]""")
            .Map("/recording", _ => null)
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.SpeaksForAsync(TimeSpan.FromSeconds(3));
        await call.PressAsync("#");
        var rec = await call.RecordEventAsync();
        Assert.StartsWith("https://", rec.RecordingUrl, StringComparison.Ordinal);
        Assert.Equal("/recording", rec.Path);
    }

    [Fact]
    public async Task A_missing_webhook_fails_with_what_did_arrive_and_the_condition_as_written()
    {
        await using var sim = VoiceSimulator.Start(App());
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("Enter your PIN");
        await call.PressAsync("999999");
        var e = await Assert.ThrowsAsync<VoiceExpectationException>(() => sim.WebhookAsync("/rx", w => w.Field("dtmf.digits") == "123456").AsTask());
        Assert.Contains("Expected the app to receive a webhook to /rx where w => w.Field(\"dtmf.digits\") == \"123456\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("POST /rx input digits=\"999999\" → 200", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_party_assertion_gives_up_once_the_call_has_ended_and_nothing_is_on_its_way()
    {
        await using var sim = VoiceSimulator.Start(App());
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HangUpAsync();
        var e = await Assert.ThrowsAsync<VoiceExpectationException>(() => call.InputResultAsync().AsTask());
        Assert.Contains("Expected the app to receive an input result for caller, but the call ended", e.Message, StringComparison.Ordinal);
        Assert.Contains("status status=completed", e.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.Zero, sim.Now - sim.Options.StartTime); // no ten virtual minutes waited
    }

    [Fact]
    public async Task Not_forms_pass_when_nothing_happens_and_fail_at_once_when_it_does()
    {
        await using var sim = VoiceSimulator.Start(App());
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.Not.ReceivedEventAsync("completed", within: TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(3), sim.Now - sim.Options.StartTime); // the window was waited out
        await sim.Not.WebhookAsync("/rx");
        await call.Not.InputResultAsync();
        await call.Not.NotifyAsync();
        await call.Not.RecordEventAsync();
        await call.PressAsync("123456");
        var e = await Assert.ThrowsAsync<VoiceExpectationException>(() => call.Not.NotifyAsync(within: TimeSpan.FromMinutes(1)).AsTask());
        Assert.Contains("Expected the app NOT to receive a notify from caller's call within 60 s, but it did:", e.Message, StringComparison.Ordinal);
        Assert.Contains("payload={\"step\":\"verified\",\"tries\":1}", e.Message, StringComparison.Ordinal);
        var n = await Assert.ThrowsAsync<VoiceExpectationException>(() => sim.Not.WebhookAsync("/rx", w => w.Digits == "123456").AsTask());
        Assert.Contains("NOT to receive a webhook to /rx where w => w.Digits == \"123456\"", n.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DoesNotHearAsync_waits_out_its_window_and_fails_when_the_prompt_comes()
    {
        await using var sim = VoiceSimulator.Start(App());
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("Enter your PIN");
        await call.DoesNotHearAsync("Goodbye", within: TimeSpan.FromSeconds(2));
        await call.Not.HearsAsync("Thank you");
        var e = await Assert.ThrowsAsync<VoiceExpectationException>(() => call.DoesNotHearAsync("Goodbye", within: TimeSpan.FromSeconds(30)).AsTask());
        // input times out after 5 s with no digits: the app says goodbye, the assertion fails at that instant.
        Assert.Contains("Expected caller NOT to hear \"Goodbye\" within 30 s, but it did at +00:0", e.Message, StringComparison.Ordinal);
        Assert.True(sim.Now - sim.Options.StartTime < TimeSpan.FromSeconds(30));
    }
}
