using Ncco.Webhooks;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Model.Endpoints;
using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Vm.Tests;

/// <summary>Reference §1.5 connect and the outbound statuses of §2.3.</summary>
public class ConnectTests
{
    [Fact]
    public async Task Connect_rings_bridges_and_continues_when_the_callee_hangs_up()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create()
            .Talk("Connecting you")
            .Connect(CallEndpoint.Phone("447700900099"), from: "447700900000", ringbackTone: "https://example.com/ring.mp3")
            .Talk("The agent has left"));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("Connecting you");
        var agent = await sim.ExpectOutboundCallAsync(to: "447700900099");
        await call.StartsHearingAsync("ring.mp3");
        await agent.StaysSilentAsync(TimeSpan.FromSeconds(5));
        await agent.AnswerAsync();
        await call.SaysAsync("hi agent");
        await agent.HearsPartyAsync(call, "hi agent");
        await agent.SaysAsync("hello caller");
        await call.HearsPartyAsync(agent, "hello caller");
        await agent.HangUpAsync();
        await call.HearsAsync("The agent has left");
        Assert.Equal(["started", "ringing", "answered", "completed"], app.Statuses(agent.Uuid));
        Assert.Equal("outbound", app.StatusEvents(agent.Uuid)[0].Field("direction"));
        Assert.Equal(call.ConversationUuid, app.StatusEvents(agent.Uuid)[0].Field("conversation_uuid"));
        Assert.Equal("447700900000", app.StatusEvents(agent.Uuid)[0].Field("from"));
        Assert.NotNull(call.Heard.Single(h => h.Playback.Url?.ToString().Contains("ring") == true).StoppedAt);
    }

    [Theory]
    [InlineData("busy", "busy", 486, null)]
    [InlineData("unanswered", "unanswered", 480, "unavailable")]
    [InlineData("rejected", "rejected", 603, "declined")]
    [InlineData("failed", "failed", 404, "cannot_route")]
    [InlineData("timeout", "timeout", 487, null)]
    public async Task Connect_failures_raise_their_status_and_continue_with_the_next_action(string how, string status, int sipCode, string? detail)
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Connect(CallEndpoint.Phone("447700900099"), timeout: 20).Talk("Sorry, nobody is available"));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        var agent = await sim.ExpectOutboundCallAsync();
        switch (how)
        {
            case "busy": await agent.BusyAsync(); break;
            case "unanswered": await agent.NoAnswerAsync(); break;
            case "rejected": await agent.RejectAsync(); break;
            case "failed": await agent.FailAsync(); break;
        }
        await call.HearsAsync("nobody is available");
        var events = app.StatusEvents(agent.Uuid);
        Assert.Equal(["started", "ringing", status], events.Select(e => e.Status));
        Assert.Equal(sipCode.ToString(System.Globalization.CultureInfo.InvariantCulture), events[^1].Field("sip_code"));
        if (detail is not null && status != "busy") Assert.Equal(detail, events[^1].Field("detail"));
        if (how == "timeout") Assert.Equal("2026-01-01T09:00:20.000Z", events[^1].Field("timestamp"));
    }

    [Fact]
    public async Task Synchronous_connect_failure_event_returns_a_fallback_ncco()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", NccoBuilder.Create()
                .Connect(CallEndpoint.Phone("447700900099"), eventUrl: "https://app.example/connect-events", eventType: ConnectEventType.Synchronous)
                .Talk("not reached").Build())
            .Map("/connect-events", r => r.Status == "busy" ? NccoBuilder.Create().Talk("Agent busy, leave a message").Build() : null)
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        var agent = await sim.ExpectOutboundCallAsync();
        await agent.BusyAsync();
        await call.HearsAsync("leave a message");
        await call.EndsAsync();
        Assert.DoesNotContain(call.Heard, h => h.Playback.Text == "not reached");
        Assert.Equal(["started", "ringing", "busy"], app.Received.Where(r => r.Path == "/connect-events").Select(r => r.Status!));
    }

    [Fact]
    public async Task Machine_detection_hangup_drops_the_machine_at_the_verdict_and_reports_call_uuid()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create()
            .Connect(CallEndpoint.Phone("447700900099"), advancedMachineDetection: new AdvancedMachineDetection { Behavior = MachineDetectionBehavior.Hangup, Mode = MachineDetectionMode.DetectBeep })
            .Talk("We reached voicemail"));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        var party = await sim.ExpectOutboundCallAsync();
        await party.AnswerAsMachineAsync(beep: true);
        await call.HearsAsync("voicemail");
        var machine = app.Received.Single(r => r.Status == "machine");
        Assert.Equal(party.Uuid, machine.Field("call_uuid"));
        Assert.Null(machine.Field("uuid"));
        // Hung up at the verdict: no beep event follows, even in detect_beep mode — nobody will leave a message.
        Assert.Null(machine.Field("sub_state"));
        Assert.True(party.IsEnded);
    }

    [Fact]
    public async Task Human_detected_stays_connected_and_limit_ends_the_connected_leg()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Connect(CallEndpoint.Phone("447700900099"), machineDetection: MachineDetectionBehavior.Continue, limit: 30).Talk("Time is up"));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        var party = await sim.ExpectOutboundCallAsync();
        await party.AnswerAsHumanAsync();
        await call.HearsAsync("Time is up");
        Assert.Contains(app.Received, r => r.Status == "human" && r.Field("call_uuid") == party.Uuid);
        var completed = app.StatusEvents(party.Uuid).Last();
        Assert.Equal("completed", completed.Status);
        Assert.Equal("30", completed.Field("duration"));
        Assert.Equal("platform", completed.Field("disconnected_by"));
    }

    [Fact]
    public async Task Websocket_closed_by_the_app_raises_disconnected_whose_ncco_runs()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", NccoBuilder.Create().Connect(CallEndpoint.WebSocket("wss://bot.example/socket", headers: new { lang = "en" }), eventUrl: "https://app.example/ws").Build())
            .Map("/ws", r => r.Status == "disconnected" ? NccoBuilder.Create().Talk("The bot has finished").Build() : null)
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        var bot = await sim.ExpectOutboundCallAsync(to: "wss://bot.example/socket");
        await bot.AnswerAsync();
        await bot.HangUpAsync();
        await call.HearsAsync("The bot has finished");
        var disconnected = app.Received.Single(r => r.Status == "disconnected");
        Assert.Equal("en", disconnected.Payload.GetProperty("headers").GetProperty("lang").GetString());
    }

    [Fact]
    public async Task Caller_hanging_up_while_ringing_cancels_the_outbound_leg()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Connect(CallEndpoint.App("alice")));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        var party = await sim.ExpectOutboundCallAsync(to: "alice");
        await call.HangUpAsync();
        await party.EndsAsync();
        Assert.Equal(["started", "ringing", "cancelled"], app.Statuses(party.Uuid));
    }

    [Fact]
    public async Task Transfer_action_moves_all_legs_into_the_target_conversation()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", r => r.Field("from") == "447700900001"
                ? NccoBuilder.Create().Conversation("lobby").Build()
                : NccoBuilder.Create().Talk("moving you").Add(new TransferAction("PLACEHOLDER")).Build())
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var host = await sim.CallAsync("447700900001", "447700900000");
        var target = host.ConversationUuid;
        app.Map("/webhooks/answer", r => r.Field("from") == "447700900001"
            ? NccoBuilder.Create().Conversation("lobby").Build()
            : NccoBuilder.Create().Talk("moving you").Transfer(target).Build());
        var guest = await sim.CallAsync("447700900002", "447700900000");
        await guest.HearsAsync("moving you");
        await sim.RunUntilIdleAsync(TimeSpan.Zero);
        Assert.Equal(target, guest.ConversationUuid);
        await guest.SaysAsync("hi host");
        await host.HearsPartyAsync(guest, "hi host");
        Assert.Contains(app.Received, r => r.Field("uuid") == guest.Uuid && r.Field("conversation_uuid_to") == target);
    }
}

public class TransferAudioControlTests
{
    [Fact]
    public async Task A_muted_transfer_moves_the_leg_but_the_room_does_not_hear_it()
    {
        var app = new WebhookApp().Map("/webhooks/event", _ => null);
        app.Map("/webhooks/answer", NccoBuilder.Create().Conversation("lobby").Build());
        await using var sim = VoiceSimulator.Start(app);
        var host = await sim.CallAsync("447700900001", "447700900000");
        app.Map("/webhooks/answer", NccoBuilder.Create().Talk("moving you").Transfer(host.ConversationUuid, mute: true).Build());
        var guest = await sim.CallAsync("447700900002", "447700900000");
        await guest.HearsAsync("moving you");
        await sim.RunUntilIdleAsync(TimeSpan.Zero);

        Assert.Equal(host.ConversationUuid, guest.ConversationUuid);
        await guest.SaysAsync("can anyone hear me");
        await host.DoesNotHearPartyAsync(guest, "can anyone hear me");
    }
}

public class OnAnswerTests
{
    [Fact]
    public async Task OnAnswer_ncco_runs_on_the_callee_before_it_joins_while_the_caller_hears_its_ringback()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", NccoBuilder.Create().Connect(new PhoneEndpoint("447700900099")
            {
                OnAnswer = new OnAnswer(new Uri("https://app.example/whisper")) { RingbackTone = new Uri("https://example.com/wait.mp3") },
            }).Build())
            .Map("/whisper", NccoBuilder.Create().Talk("Call from Acme customer").Build())
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        var agent = await sim.ExpectOutboundCallAsync();
        await agent.AnswerAsync();
        await agent.HearsAsync("Call from Acme customer");
        await call.SaysAsync("hello");
        await agent.HearsPartyAsync(call, "hello");
        var wait = call.Heard.Single(h => h.Playback.Url?.ToString().Contains("wait.mp3") == true);
        Assert.Equal(agent.Heard[0].FinishedAt, wait.StoppedAt);
        Assert.Equal(WebhookMethod.Get, app.Received.Single(r => r.Path == "/whisper").Request.Method);
        Assert.False(agent.IsEnded);
    }
}
