using Ncco.Model;
using Ncco.Legs;
using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Vm.Tests;

/// <summary>Reference §1.3 record, §1.4 conversation, §2.4 record event.</summary>
public class RecordConversationTests
{
    [Fact]
    public async Task Record_with_endOnSilence_blocks_and_posts_the_record_event_before_the_next_action()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Record(eventUrl: "https://app.example/rec", endOnSilence: 3, beepStart: true).Talk("Thanks"));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.StaysSilentAsync(TimeSpan.FromSeconds(1));
        await call.SpeaksForAsync(TimeSpan.FromSeconds(10));
        await call.HearsAsync("Thanks");
        Assert.Equal(PlaybackKind.Beep, call.Heard[0].Playback.Kind);
        var rec = Assert.Single(sim.Recordings);
        Assert.Equal(TimeSpan.FromSeconds(13.5), rec.Duration); // starts after the 0.5 s beep; 1 s + 10 s + 3 s silence ends at 14.5
        Assert.Equal("silence", rec.EndReason);
        var ev = app.Received.Single(r => r.Path == "/rec");
        Assert.Equal(rec.RecordingUrl, ev.Field("recording_url"));
        Assert.Equal(rec.RecordingUuid, ev.Field("recording_uuid"));
        Assert.Equal("54000", ev.Field("size")); // mp3 32 kbps
        Assert.Equal("2026-01-01T09:00:00.500Z", ev.Field("start_time"));
        Assert.Equal("2026-01-01T09:00:14.000Z", ev.Field("end_time"));
        Assert.Null(ev.Field("status"));
        var recIndex = app.Received.IndexOf(ev);
        Assert.True(call.Heard[1].At >= rec.End);
    }

    [Fact]
    public async Task Record_endOnKey_and_timeOut()
    {
        var (sim, _) = Sim.With(NccoBuilder.Create().Record(endOnKey: '#').Record(timeout: 5, format: RecordingFormat.Wav).Talk("bye"));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.StaysSilentAsync(TimeSpan.FromSeconds(20));
        await call.PressAsync("#");
        await call.HearsAsync("bye");
        Assert.Equal(["key", "timeout"], sim.Recordings.Select(r => r.EndReason));
        Assert.Equal(TimeSpan.FromSeconds(20), sim.Recordings[0].Duration);
        Assert.Equal(5 * 32000, sim.Recordings[1].Size);
    }

    [Fact]
    public async Task Record_without_stop_condition_runs_in_background_until_the_call_ends()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Record().Talk("this call is recorded").Wait(30));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("recorded"); // not blocked by record
        await call.StaysSilentAsync(TimeSpan.FromSeconds(5));
        await call.HangUpAsync();
        await call.EndsAsync();
        var rec = Assert.Single(sim.Recordings);
        Assert.Equal("call ended", rec.EndReason);
        Assert.Equal(TimeSpan.FromSeconds(6.6), rec.Duration);
        Assert.Contains(app.Received, r => r.Field("recording_url") is not null);
        var completed = app.StatusEvents().Last();
        Assert.Equal("completed", completed.Status);
        Assert.Equal("user", completed.Field("disconnected_by"));
    }

    [Fact]
    public async Task Callers_in_a_named_conversation_hear_each_other_with_canHear_canSpeak_and_mute()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", r => r.Field("from") switch
            {
                "447700900003" => NccoBuilder.Create().Conversation("room", mute: true).Build(),
                _ => NccoBuilder.Create().Conversation("room").Build(),
            })
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var alice = await sim.CallAsync("447700900001", "447700900000");
        var bob = await sim.CallAsync("447700900002", "447700900000");
        var carol = await sim.CallAsync("447700900003", "447700900000");
        await sim.RunUntilIdleAsync(TimeSpan.Zero);
        Assert.Equal(alice.ConversationUuid, bob.ConversationUuid);
        await alice.SaysAsync("hello everyone");
        await bob.HearsPartyAsync(alice, "hello everyone");
        await carol.HearsPartyAsync(alice, "hello");
        await carol.SaysAsync("I am muted");
        await alice.DoesNotHearPartyAsync(carol, "muted");
        await sim.ControlAsync(c => c.EarmuffAsync(bob.Uuid));
        await alice.SaysAsync("secret");
        await bob.DoesNotHearPartyAsync(alice, "secret");
        var transfers = app.Received.Where(r => r.Field("conversation_uuid_to") is not null).ToList();
        Assert.Equal(3, transfers.Count);
        Assert.All(transfers, t => Assert.Equal(alice.ConversationUuid, t.Field("conversation_uuid_to")));
    }

    [Fact]
    public async Task CanHear_limits_who_a_participant_hears()
    {
        string? firstLeg = null;
        var app = new WebhookApp()
            .Map("/webhooks/answer", r =>
            {
                if (firstLeg is null)
                {
                    firstLeg = r.Field("uuid");
                    return NccoBuilder.Create().Conversation("coach").Build();
                }
                return r.Field("from") == "447700900002"
                    ? NccoBuilder.Create().Conversation("coach", canHear: [firstLeg]).Build()
                    : NccoBuilder.Create().Conversation("coach", canSpeak: [firstLeg]).Build();
            })
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var customer = await sim.CallAsync("447700900001", "447700900000");
        var agent = await sim.CallAsync("447700900002", "447700900000");
        var coach = await sim.CallAsync("447700900003", "447700900000");
        await coach.SaysAsync("offer a discount");
        await customer.HearsPartyAsync(coach, "discount");
        await agent.DoesNotHearPartyAsync(coach, "discount");
        await agent.SaysAsync("hi there");
        await customer.HearsPartyAsync(agent, "hi there");
        await coach.HearsPartyAsync(agent, "hi there");
    }

    [Fact]
    public async Task Moderated_conversation_plays_music_on_hold_until_the_moderator_joins_and_endOnExit_ends_it()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", r => r.Field("from") == "447700900009"
                ? NccoBuilder.Create().Conversation("conf", startOnEnter: true, endOnExit: true, record: true).Build()
                : NccoBuilder.Create().Conversation("conf", startOnEnter: false, musicOnHoldUrl: "https://example.com/hold.mp3").Talk("The conference has ended").Build())
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var attendee = await sim.CallAsync("447700900001", "447700900000");
        await attendee.HearsAsync("hold.mp3");
        await attendee.StaysSilentAsync(TimeSpan.FromSeconds(30));
        var moderator = await sim.CallAsync("447700900009", "447700900000");
        Assert.NotNull(attendee.Heard[0].StoppedAt);
        await moderator.StaysSilentAsync(TimeSpan.FromSeconds(60));
        await moderator.HangUpAsync();
        await attendee.HearsAsync("The conference has ended");
        await attendee.EndsAsync();
        var rec = Assert.Single(sim.Recordings);
        Assert.Equal(TimeSpan.FromSeconds(60), rec.Duration);
        Assert.Equal("conversation ended", rec.EndReason);
    }
}

public class TranscriptionAndSaveAudioTests
{
    [Fact]
    public async Task Record_with_transcription_sends_a_transcription_event_after_the_record_event()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Record(endOnKey: '#', transcription: new Model.Actions.TranscriptionSettings { Language = "en-GB" }));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.SpeaksForAsync(TimeSpan.FromSeconds(4));
        await call.PressAsync("#");
        await call.EndsAsync();
        var record = app.Received.Single(r => r.Field("recording_url") is not null);
        var transcription = app.Received.Single(r => r.Status == "transcribed");
        Assert.Equal(record.Field("recording_uuid"), transcription.Field("recording_uuid"));
        Assert.Equal("record", transcription.Field("type"));
        Assert.StartsWith("https://api.nexmo.com/v1/files/", transcription.Field("transcription_url"), StringComparison.Ordinal);
        Assert.True(app.Received.IndexOf(record) < app.Received.IndexOf(transcription));
    }

    [Fact]
    public async Task Speech_saveAudio_adds_a_recording_url()
    {
        var (sim, app) = Sim.With(NccoBuilder.Create().Input(InputTypes.Speech, speech: new() { SaveAudio = true }));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.SaysAsync("hello");
        await call.EndsAsync();
        var speech = app.Received.Single(r => r.Payload.TryGetProperty("speech", out _)).Payload.GetProperty("speech");
        Assert.StartsWith("https://api.nexmo.com/v1/files/", speech.GetProperty("recording_url").GetString(), StringComparison.Ordinal);
    }
}
