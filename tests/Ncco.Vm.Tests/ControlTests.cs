using Ncco.Control;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Model.Endpoints;
using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Vm.Tests;

/// <summary>Reference §3.3, §3.6–3.8: live-call control and outbound calls.</summary>
public class ControlTests
{
    [Fact]
    public async Task Talk_into_stop_talk_stream_dtmf_and_hangup()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Conversation("hold"));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await sim.ControlAsync(c => c.TalkAsync(call.Uuid, new TalkRequest("Your call is important to us") { Loop = 0 }));
        await call.StartsHearingAsync("important");
        await call.StaysSilentAsync(TimeSpan.FromSeconds(10));
        await sim.ControlAsync(c => c.StopTalkAsync(call.Uuid));
        Assert.NotNull(call.Heard.Last().StoppedAt);
        await sim.ControlAsync(c => c.StreamAsync(call.Uuid, new StreamRequest(new Uri("https://example.com/a.mp3"))));
        await sim.ControlAsync(c => c.SendDtmfAsync(call.Uuid, "12p3"));
        Assert.Contains(call.Heard, h => h.Playback.Kind == PlaybackKind.Dtmf && h.Playback.Text == "12p3");
        await sim.ControlAsync(c => c.HangupAsync(call.Uuid));
        Assert.True(call.IsEnded);
        Assert.Equal("platform", app.StatusEvents().Last().Field("disconnected_by"));
        // Leaving the named conversation ends it, which finishes the NCCO: still only one `completed`.
        Assert.Single(app.StatusEvents(), e => e.Field("status") == "completed");
        await Assert.ThrowsAsync<Calls.CallNotFoundException>(() => sim.ControlAsync(c => c.HangupAsync(call.Uuid)).AsTask());
    }

    // Before the fix this hung rather than failed: the operation's second command was posted after the step had
    // stopped running the VM, so nothing ever ran it. The timeout turns a regression into a failure.
    [Fact(Timeout = 60_000)]
    public async Task A_control_operation_that_goes_on_after_an_await_holds_the_virtual_clock_until_it_is_done()
    {
        // The call hangs up by itself 5 s in; an operation still running must not let the clock get there.
        var (sim, _) = Sim.With(NccoBuilder.Create().Wait(5));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        var before = sim.Now;
        DateTimeOffset? afterAwait = null;
        var endedMeanwhile = true;
        await sim.ControlAsync(async c =>
        {
            await c.MuteAsync(call.Uuid);
            // Real time passes on the operation's side: a clock that ran on without it would reach the wait's end now.
            Thread.Sleep(100);
            afterAwait = sim.Now;
            endedMeanwhile = call.IsEnded;
            await c.UnmuteAsync(call.Uuid);
        });
        Assert.Equal(before, afterAwait);
        Assert.False(endedMeanwhile, "the call ended while the operation was still running");
        Assert.False(call.IsEnded);
    }

    [Fact]
    public async Task Transfer_to_inline_ncco_and_to_url_replace_the_running_ncco()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", NccoBuilder.Create().Stream("https://example.com/hold.mp3", loop: 0).Build())
            .Map("/next", NccoBuilder.Create().Talk("from url").Wait(60).Build())
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.StaysSilentAsync(TimeSpan.FromSeconds(30));
        await sim.ControlAsync(c => c.TransferAsync(call.Uuid, NccoBuilder.Create().Talk("inline transfer").Wait(60).Build()));
        await call.HearsAsync("inline transfer");
        Assert.NotNull(call.Heard[0].StoppedAt);
        await sim.ControlAsync(c => c.TransferAsync(call.Uuid, new Uri("https://app.example/next")));
        await call.HearsAsync("from url");
        Assert.Contains(app.Received, r => r.Field("conversation_uuid_from") is not null);
    }

    [Fact]
    public async Task Mute_and_subscribe_dtmf()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", NccoBuilder.Create().Conversation("room").Build())
            .Map("/webhooks/event", _ => null)
            .Map("/keys", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var a = await sim.CallAsync("447700900001", "447700900000");
        var b = await sim.CallAsync("447700900002", "447700900000");
        await sim.ControlAsync(c => c.MuteAsync(a.Uuid));
        await a.SaysAsync("can you hear me");
        await b.DoesNotHearPartyAsync(a, "hear me");
        await sim.ControlAsync(c => c.UnmuteAsync(a.Uuid));
        await a.SaysAsync("now you can");
        await b.HearsPartyAsync(a, "now you can");
        await sim.ControlAsync(c => c.SubscribeDtmfAsync(a.Uuid, new Uri("https://app.example/keys")));
        await a.PressAsync("9");
        await sim.ControlAsync(c => c.UnsubscribeDtmfAsync(a.Uuid));
        await a.PressAsync("8");
        Assert.Equal(["9"], app.Received.Where(r => r.Path == "/keys").Select(r => r.Digits!));
    }

    [Fact]
    public async Task Outbound_call_with_answer_url_and_length_timer()
    {
        var app = new WebhookApp()
            .Map("/outbound-answer", NccoBuilder.Create().Talk("This is a reminder").Wait(600).Build())
            .Map("/webhooks/event", _ => null)
            .Map("/out-events", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var party = await sim.CreateCallAsync(new CreateCallRequest(CallEndpoint.Phone("447700900123"))
        {
            From = "447700900000",
            AnswerUrl = new Uri("https://app.example/outbound-answer"),
            EventUrl = new Uri("https://app.example/out-events"),
            LengthTimer = 60,
        });
        await party.AnswerAsync();
        await party.HearsAsync("reminder");
        await party.EndsAsync();
        var events = app.Received.Where(r => r.Path == "/out-events").ToList();
        Assert.Equal(["started", "ringing", "answered", "completed"], events.Select(e => e.Status));
        Assert.Equal("60", events[^1].Field("duration"));
        Assert.Equal("GET", app.Received.Single(r => r.Path == "/outbound-answer").Request.Method.ToString().ToUpperInvariant());
    }

    [Fact]
    public async Task Outbound_call_ringing_timer_gives_timeout()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Talk("unused"));
        await using var _s = sim;
        var party = await sim.CreateCallAsync(new CreateCallRequest(CallEndpoint.Phone("447700900123"))
        {
            Ncco = NccoBuilder.Create().Talk("hi").Build(),
            RingingTimer = 15,
        });
        await party.EndsAsync();
        Assert.Equal(["started", "ringing", "timeout"], app.Statuses(party.Uuid));
        Assert.Equal("2026-01-01T09:00:15.000Z", app.StatusEvents(party.Uuid)[^1].Field("timestamp"));
    }

    [Fact]
    public async Task Outbound_call_to_a_machine_with_machine_detection_continue()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Talk("unused"));
        await using var _s = sim;
        var party = await sim.CreateCallAsync(new CreateCallRequest(CallEndpoint.Phone("447700900123"))
        {
            Ncco = NccoBuilder.Create().Talk("Please call us back").Build(),
            MachineDetection = MachineDetectionBehavior.Continue,
        });
        await party.AnswerAsMachineAsync();
        await party.HearsAsync("call us back");
        Assert.Equal(["started", "ringing", "answered", "machine", "completed"], app.Statuses(party.Uuid));
    }
}
