using System.Collections.Concurrent;
using Ncco.Calls;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Scheduling;
using Ncco.Testing;
using Ncco.Testing.Time;
using Ncco.Webhooks;

namespace Ncco.Vm.Tests;

/// <summary>The optional media seam: what a real media plane is told by the VM, and what it reports back.</summary>
public class MediaPlaneSeamTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private sealed class FakePlane : IMediaPlane
    {
        public List<MediaMix> Mixes { get; } = [];
        public List<MediaRecordingRequest> Recordings { get; } = [];
        public List<MediaListenRequest> Listens { get; } = [];
        public int Stopped { get; private set; }
        public int ListensDisposed { get; private set; }

        public void MixChanged(MediaMix mix) => Mixes.Add(mix);

        public IMediaRecording StartRecording(MediaRecordingRequest request)
        {
            Recordings.Add(request);
            return new Recording(this, "file-" + Recordings.Count);
        }

        public IDisposable StartListening(MediaListenRequest request)
        {
            Listens.Add(request);
            return new Listen(this);
        }

        private sealed class Recording(FakePlane plane, string id) : IMediaRecording
        {
            public Task<MediaRecordingResult> StopAsync(CancellationToken cancellationToken)
            {
                plane.Stopped++;
                return Task.FromResult(new MediaRecordingResult(id, 12345));
            }
        }

        private sealed class Listen(FakePlane plane) : IDisposable
        {
            public void Dispose() => plane.ListensDisposed++;
        }
    }

    private sealed class Harness
    {
        public VirtualScheduler Scheduler { get; } = new(Start);
        public FakePlane Plane { get; } = new();
        public ConcurrentQueue<WebhookRequest> Requests { get; } = new();
        public NccoVm Vm { get; }

        public Harness(Func<WebhookRequest, NccoDocument?> app)
        {
            var transport = new DelegateWebhookTransport((r, _) =>
            {
                Requests.Enqueue(r);
                var ncco = app(r);
                return Task.FromResult(ncco is null ? WebhookResponse.Empty : WebhookResponse.Ncco(ncco));
            });
            Vm = new NccoVm(new NccoVmOptions
            {
                Application = Sim.ExampleApplication(),
                Transport = transport,
                Scheduler = Scheduler,
                Ids = new SequentialIdGenerator(),
                Media = Plane,
            });
        }

        public async Task<(CallLeg Leg, VirtualLeg Party)> CallAsync()
        {
            var party = new VirtualLeg(Scheduler);
            var task = Vm.AcceptInboundAsync(party, new InboundCall { From = "447700900001", To = "447700900000" });
            await RunAsync(() => task.IsCompleted);
            return (await task, party);
        }

        public async Task RunAsync(Func<bool> until, double seconds = 60)
        {
            var outcome = await Scheduler.RunUntilAsync(until, Scheduler.UtcNow.AddSeconds(seconds));
            Assert.True(until(), $"condition not met ({outcome})");
        }

        public IEnumerable<string> Bodies => Requests.Select(r => r.PayloadJson);
    }

    [Fact]
    public async Task Conversation_membership_and_flags_reach_the_plane_as_snapshots()
    {
        var calls = 0;
        var h = new Harness(r => r.Kind == WebhookKind.Answer
            ? (Interlocked.Increment(ref calls) == 1
                ? NccoBuilder.Create().Conversation("room").Build()
                : NccoBuilder.Create().Conversation("room", mute: true).Build())
            : null);
        var (a, _) = await h.CallAsync();
        await h.RunAsync(() => h.Plane.Mixes.Any(m => m.Participants.Any(p => p.LegId == a.Id)));
        var (b, partyB) = await h.CallAsync();
        await h.RunAsync(() => h.Plane.Mixes.Any(m => m.Participants.Count == 2));

        var both = h.Plane.Mixes.Last(m => m.Participants.Count == 2);
        Assert.Equal(a.Conversation.Id, both.ConversationId);
        Assert.True(both.Started);
        Assert.Equal([a.Id, b.Id], both.Participants.Select(p => p.LegId));
        Assert.False(both.Participants[0].Muted);
        Assert.True(both.Participants[1].Muted);

        _ = h.Vm.Control.EarmuffAsync(a.Id); // runs when the virtual scheduler runs
        await h.RunAsync(() => h.Plane.Mixes.Last().Participants.FirstOrDefault(p => p.LegId == a.Id)?.Earmuffed == true);

        partyB.HangUp();
        await h.RunAsync(() => h.Plane.Mixes.Last() is { Participants.Count: 1 } last && last.Participants[0].LegId == a.Id);
    }

    [Fact]
    public async Task Several_changes_in_one_turn_produce_one_snapshot()
    {
        var h = new Harness(r => r.Kind == WebhookKind.Answer ? NccoBuilder.Create().Conversation("room", canHear: ["x"], canSpeak: ["y"]).Build() : null);
        var (a, _) = await h.CallAsync();
        await h.RunAsync(() => h.Plane.Mixes.Any(m => m.Participants.Count == 1));
        // Joining sets InMix, CanHear, CanSpeak, Muted and moves the leg: one snapshot of the named conversation carries them all.
        var joined = h.Plane.Mixes.Where(m => m.ConversationId == a.Conversation.Id).ToList();
        Assert.Single(joined);
        Assert.Equal(["x"], joined[0].Participants[0].CanHear!);
        Assert.Equal(["y"], joined[0].Participants[0].CanSpeak!);
    }

    [Fact]
    public async Task Record_action_is_written_by_the_plane_and_the_event_reports_its_file_and_size()
    {
        var h = new Harness(r => r.Kind == WebhookKind.Answer
            ? NccoBuilder.Create().Record(endOnKey: '#', format: RecordingFormat.Wav, splitConversation: true, beepStart: true).Build()
            : null);
        var (leg, party) = await h.CallAsync();
        await h.RunAsync(() => h.Plane.Recordings.Count == 1);
        var request = h.Plane.Recordings[0];
        Assert.Equal(leg.Id, request.LegId);
        Assert.Equal(RecordingFormat.Wav, request.Format);
        Assert.Equal(2, request.Channels);
        Assert.True(request.Split);
        Assert.Contains(party.Heard, x => x.Playback.Kind == PlaybackKind.Beep);

        party.Press("#");
        await h.RunAsync(() => h.Bodies.Any(b => b.Contains("recording_url", StringComparison.Ordinal)));
        var record = h.Bodies.First(b => b.Contains("recording_url", StringComparison.Ordinal));
        Assert.Contains("\"recording_url\":\"https://api.nexmo.com/v1/files/file-1\"", record, StringComparison.Ordinal);
        Assert.Contains("\"size\":12345", record, StringComparison.Ordinal);
        Assert.Equal(1, h.Plane.Stopped);
        Assert.Equal("file-1", h.Vm.Recordings.Single().RecordingUrl.Split('/')[^1]);
    }

    [Fact]
    public async Task Conversation_recording_starts_and_stops_on_the_plane()
    {
        var h = new Harness(r => r.Kind == WebhookKind.Answer ? NccoBuilder.Create().Conversation("rec", record: true).Build() : null);
        var (_, party) = await h.CallAsync();
        await h.RunAsync(() => h.Plane.Recordings.Count == 1);
        Assert.Null(h.Plane.Recordings[0].LegId);
        party.HangUp();
        await h.RunAsync(() => h.Bodies.Any(b => b.Contains("recording_url", StringComparison.Ordinal)));
        Assert.Equal(1, h.Plane.Stopped);
        Assert.Contains("\"size\":12345", h.Bodies.First(b => b.Contains("recording_url", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Speech_input_listens_on_the_plane_and_posts_the_result_as_soon_as_it_is_reported()
    {
        var h = new Harness(r => r.Kind == WebhookKind.Answer
            ? NccoBuilder.Create().Talk("Say something", bargeIn: true).Input(InputTypes.Speech, speech: new() { Context = ["yes", "no"], EndOnSilence = 1.5 }).Build()
            : null);
        var (leg, party) = await h.CallAsync();
        await h.RunAsync(() => h.Plane.Listens.Count == 1);
        var listen = h.Plane.Listens[0];
        Assert.Equal(leg.Id, listen.LegId);
        Assert.Equal(["yes", "no"], listen.Context);
        Assert.Equal(1.5, listen.EndOnSilence);

        var sink = (ILegEventSink)leg;
        sink.SpeechStarted();
        await h.RunAsync(() => party.Heard.Single(x => x.Playback.Kind == PlaybackKind.Talk).StoppedAt is not null);
        var before = h.Scheduler.UtcNow;
        sink.Speech("yes", 0.8, TimeSpan.FromSeconds(1));
        await h.RunAsync(() => h.Bodies.Any(b => b.Contains("\"speech\"", StringComparison.Ordinal) && b.Contains("yes", StringComparison.Ordinal)));
        var input = h.Bodies.First(b => b.Contains("\"speech\"", StringComparison.Ordinal));
        Assert.Contains("end_on_silence_timeout", input, StringComparison.Ordinal);
        Assert.Equal(before, h.Scheduler.UtcNow); // no extra endOnSilence wait: the plane already applied it
        Assert.Equal(1, h.Plane.ListensDisposed);
    }

    [Fact]
    public async Task Speech_onset_without_a_result_still_ends_at_a_deadline()
    {
        var h = new Harness(r => r.Kind == WebhookKind.Answer ? NccoBuilder.Create().Input(InputTypes.Speech, speech: new() { MaxDuration = 5, EndOnSilence = 1 }).Build() : null);
        var (leg, _) = await h.CallAsync();
        await h.RunAsync(() => h.Plane.Listens.Count == 1);
        ((ILegEventSink)leg).SpeechStarted();
        await h.RunAsync(() => h.Bodies.Any(b => b.Contains("max_duration", StringComparison.Ordinal)), seconds: 30);
    }

    /// <summary>
    /// Issue 15: when the plane finds that what it took for speech onset held no speech (a breath the recogniser made
    /// nothing of, or nothing above its minimum confidence), the input goes on as if nothing had been said and ends with
    /// <c>start_timeout</c> and no results when the start timeout, counted from its start, passes — as Vonage reports an
    /// input where nothing was said — or at once when it already has.
    /// </summary>
    [Theory]
    [InlineData(3, 5)]
    [InlineData(7, 7)]
    public async Task Speech_onset_the_plane_abandons_as_not_speech_ends_with_the_start_timeout(int abandonAt, int endsAt)
    {
        var h = new Harness(r => r.Kind == WebhookKind.Answer ? NccoBuilder.Create().Input(InputTypes.Speech, speech: new() { StartTimeout = 5, MaxDuration = 30, EndOnSilence = 1 }).Build() : null);
        var (leg, _) = await h.CallAsync();
        await h.RunAsync(() => h.Plane.Listens.Count == 1);
        var started = h.Scheduler.UtcNow;
        var sink = (ILegEventSink)leg;
        // Virtual time jumps from timer to timer: these two mark the moments of the party's reports.
        using var onset = h.Scheduler.Schedule(TimeSpan.FromSeconds(1), () => { });
        using var abandon = h.Scheduler.Schedule(TimeSpan.FromSeconds(abandonAt), () => { });
        await h.RunAsync(() => h.Scheduler.UtcNow >= started.AddSeconds(1), seconds: 2);
        sink.SpeechStarted();
        await h.RunAsync(() => h.Scheduler.UtcNow >= started.AddSeconds(abandonAt), seconds: abandonAt + 1);
        Assert.DoesNotContain(h.Bodies, b => b.Contains("timeout_reason", StringComparison.Ordinal));
        sink.SpeechAbandoned();

        await h.RunAsync(() => h.Bodies.Any(b => b.Contains("start_timeout", StringComparison.Ordinal)), seconds: 10);

        Assert.Equal(started.AddSeconds(endsAt), h.Scheduler.UtcNow);
        var input = h.Bodies.First(b => b.Contains("start_timeout", StringComparison.Ordinal));
        Assert.DoesNotContain("\"text\"", input, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 16: when the plane cannot recognise an utterance (every decoder busy past the wait bound, the queue full, the
    /// recogniser failing), the input ends at once with the speech result's <c>error</c> and no results, not with an
    /// invented empty result and not after its timers.
    /// </summary>
    [Fact]
    public async Task A_recognition_failure_ends_the_speech_input_at_once_with_the_error()
    {
        var h = new Harness(r => r.Kind == WebhookKind.Answer ? NccoBuilder.Create().Input(InputTypes.Speech, speech: new() { StartTimeout = 5, MaxDuration = 30, EndOnSilence = 1 }).Build() : null);
        var (leg, _) = await h.CallAsync();
        await h.RunAsync(() => h.Plane.Listens.Count == 1);
        var started = h.Scheduler.UtcNow;
        var sink = (ILegEventSink)leg;
        sink.SpeechStarted();
        sink.SpeechFailed("no pocketsphinx decoder was free within 30 s (2 decoders busy, 7 utterances waiting)");

        await h.RunAsync(() => h.Bodies.Any(b => b.Contains("decoders busy", StringComparison.Ordinal)), seconds: 10);

        Assert.Equal(started, h.Scheduler.UtcNow);
        using var input = System.Text.Json.JsonDocument.Parse(h.Bodies.First(b => b.Contains("decoders busy", StringComparison.Ordinal)));
        var speech = input.RootElement.GetProperty("speech");
        Assert.Equal("no pocketsphinx decoder was free within 30 s (2 decoders busy, 7 utterances waiting)", speech.GetProperty("error").GetString());
        Assert.True(!speech.TryGetProperty("results", out var results) || results.GetArrayLength() == 0);
    }

    /// <summary>
    /// Issue 15: room noise or breath taken for speech onset must not make the keypad dead. A key during the unfinished
    /// utterance completes a one-key menu as DTMF at once (not 71 s later), the recogniser is stopped, and its late
    /// result is ignored.
    /// </summary>
    [Fact]
    public async Task A_key_during_an_unfinished_utterance_completes_the_input_as_dtmf()
    {
        var h = new Harness(r => r.Kind == WebhookKind.Answer
            ? NccoBuilder.Create().Input(InputTypes.Dtmf | InputTypes.Speech, dtmf: new() { MaxDigits = 1 }, speech: new() { MaxDuration = 60, EndOnSilence = 1 }).Build()
            : null);
        var (leg, _) = await h.CallAsync();
        await h.RunAsync(() => h.Plane.Listens.Count == 1);
        var sink = (ILegEventSink)leg;
        sink.SpeechStarted();
        await h.RunAsync(() => true, seconds: 1);
        var pressed = h.Scheduler.UtcNow;
        sink.Digit('2');
        await h.RunAsync(() => h.Bodies.Any(b => b.Contains("\"dtmf\"", StringComparison.Ordinal) && b.Contains("\"digits\":\"2\"", StringComparison.Ordinal)), seconds: 5);
        Assert.Equal(pressed, h.Scheduler.UtcNow);
        Assert.Equal(1, h.Plane.ListensDisposed);
        sink.Speech("yes", 0.8, TimeSpan.FromSeconds(1));
        await h.RunAsync(() => true, seconds: 1);
        Assert.DoesNotContain(h.Bodies, b => b.Contains("\"yes\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Keys_during_an_unfinished_utterance_follow_the_dtmf_rules_for_more_digits()
    {
        var h = new Harness(r => r.Kind == WebhookKind.Answer
            ? NccoBuilder.Create().Input(InputTypes.Dtmf | InputTypes.Speech, dtmf: new() { MaxDigits = 4, Timeout = 3, SubmitOnHash = true }).Build()
            : null);
        var (leg, _) = await h.CallAsync();
        await h.RunAsync(() => h.Plane.Listens.Count == 1);
        var sink = (ILegEventSink)leg;
        sink.SpeechStarted();
        sink.Digit('4');
        sink.Digit('2');
        sink.Digit('#');
        await h.RunAsync(() => h.Bodies.Any(b => b.Contains("\"digits\":\"42\"", StringComparison.Ordinal)), seconds: 5);
    }
}
