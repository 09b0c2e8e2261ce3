using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Calls;
using Ncco.Control;
using Ncco.Host.MediaPlane;
using Ncco.Host.Tests.Support;
using Ncco.Legs;
using Ncco.Media.Playback;
using Ncco.Model.Actions;
using Ncco.Model.Endpoints;
using Ncco.Model;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// Answering-machine detection in the media thread: its per-frame cost, and end to end on WebSocket legs (the test is
/// the application endpoint and says espeak-ng speech into the call).
/// </summary>
public sealed class MachineDetectionMediaTests : IAsyncDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http = new();
    private readonly MediaMetrics _metrics = new(null);
    private readonly MediaThread _mediaThread;

    public MachineDetectionMediaTests()
    {
        var cache = Directory.CreateTempSubdirectory("ncco-media-cache-").FullName;
        _mediaThread = new MediaThread(TimeProvider.System, _metrics, new PlaybackRenderer(null, new StreamPlayer(_http, TimeProvider.System, new StreamPlayerOptions(cache))),
            null, NullLogger.Instance, startClock: false);
    }

    private sealed class SilentTransport : IMediaTransport
    {
        public int SampleRate => 8000;

        public bool ReadInbound(Span<short> frame) => false;

        public void WriteOutbound(ReadOnlySpan<short> frame)
        {
        }

        public bool ConversationDtmf(char digit, int durationMilliseconds) => true;
    }

    private sealed class VerdictSink : LegEventSinkBase
    {
        public List<(bool Machine, bool Beep)> Reports { get; } = [];

        public override void MachineDetection(bool isMachine, bool beep = false) => Reports.Add((isMachine, beep));
    }

    [Fact]
    public void Detection_allocates_nothing_per_frame_while_analysing_nor_while_listening_for_the_beep()
    {
        var sink = new VerdictSink();
        var leg = new LegMedia(_mediaThread, "amd", new SilentTransport()) { Sink = sink };
        _mediaThread.Post(() =>
        {
            _mediaThread.Add(leg);
            leg.MachineDetection = new LegMachineDetection(new MediaMachineDetectionRequest("amd", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(45)), sink);
        });
        for (var i = 0; i < 40; i++) _mediaThread.Tick();
        Thread.Sleep(300); // let tiered compilation promote the hot methods, as in MediaThreadTests
        for (var i = 0; i < 10; i++) _mediaThread.Tick();

        // Silence from answer: undecided until 2.5 s (125 frames), then `machine` and the beep listening starts.
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 60; i++) _mediaThread.Tick();
        var analysing = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Empty(sink.Reports);
        for (var i = 0; i < 30; i++) _mediaThread.Tick();
        Assert.Equal([(true, false)], sink.Reports);
        before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 250; i++) _mediaThread.Tick();
        var listening = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(analysing == 0, $"{analysing} bytes allocated in 60 analysing frames");
        Assert.True(listening == 0, $"{listening} bytes allocated in 250 beep-listening frames");
        Assert.NotNull(leg.MachineDetection);
    }

    private static async Task<(MediaHarness H, CallLeg Leg, AppSocket Socket)> CallAsync(string name, MachineDetectionBehavior? standard, AdvancedMachineDetection? advanced)
    {
        var h = await MediaHarness.StartAsync();
        var endpoint = CallEndpoint.WebSocket(h.Sockets.Url(name), 16000, null);
        var leg = await h.Vm.Control.CreateCallAsync(new CreateCallRequest(endpoint)
        {
            Ncco = NccoBuilder.Create().Talk("Hello, this is your appointment reminder.").Wait(30).Build(),
            MachineDetection = standard,
            AdvancedMachineDetection = advanced,
        });
        var socket = await h.Sockets.AcceptAsync(name);
        await socket.NextEventAsync("websocket:connected");
        await WaitUntilDetectingAsync(h, leg.Id);
        return (h, leg, socket);
    }

    /// <summary>Audio the app sends before detection runs would be analysed by nobody: wait for the media thread to have it.</summary>
    private static async Task WaitUntilDetectingAsync(MediaHarness h, string legId)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var probe = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            h.Media.MediaThread.Post(() => probe.TrySetResult(h.Media.MediaThread.FindLeg(legId)?.MachineDetection is not null));
            if (await probe.Task.WaitAsync(TimeSpan.FromSeconds(5))) return;
            if (waited.Elapsed > Limit) throw new TimeoutException($"leg {legId} never started machine detection");
            await Task.Delay(10);
        }
    }

    private static bool IsAmd(System.Text.Json.JsonElement e, string legId, string status) =>
        MediaHarness.Field(e, "call_uuid") == legId && MediaHarness.Field(e, "status") == status;

    [Fact]
    public async Task A_websocket_app_that_says_hello_then_listens_is_human()
    {
        var (h, leg, socket) = await CallAsync("human", MachineDetectionBehavior.Continue, null);
        await using var _ = h;
        var hello = await TestSpeech.SynthesizeAsync(TestSpeech.Hello, 16000);
        var sinceDetecting = System.Diagnostics.Stopwatch.StartNew();
        await socket.SendAudioAsync(TestAudio.Concat(TestAudio.Silence(0.3, 16000), hello, TestAudio.Silence(2, 16000)), 16000);

        var human = await h.EventAsync(e => IsAmd(e, leg.Id, "human"), Limit);
        var after = sinceDetecting.Elapsed;
        Assert.Null(MediaHarness.Field(human, "uuid"));
        // From the greeting (about 2 s in), not the analysis limit (5 s) or the VM's deadline (8 s).
        Assert.True(after < TimeSpan.FromSeconds(4.5), $"human {after.TotalSeconds:F2} s after detection started");
        Assert.DoesNotContain(h.Events, e => IsAmd(e, leg.Id, "machine"));
    }

    [Fact]
    public async Task A_websocket_app_playing_a_voicemail_greeting_and_a_beep_is_a_machine_with_beep_start()
    {
        var (h, leg, socket) = await CallAsync("machine", null, new AdvancedMachineDetection { Mode = MachineDetectionMode.DetectBeep, BeepTimeout = 45 });
        await using var _ = h;
        var greeting = await TestSpeech.SynthesizeAsync(TestSpeech.Voicemail, 16000);
        await socket.SendAudioAsync(TestAudio.Concat(TestAudio.Silence(0.3, 16000), greeting, TestAudio.Silence(0.5, 16000), TestAudio.Tone(1000, 0.5, 16000)), 16000);

        var machine = await h.EventAsync(e => IsAmd(e, leg.Id, "machine"), Limit);
        Assert.Null(MediaHarness.Field(machine, "sub_state"));
        await h.EventAsync(e => IsAmd(e, leg.Id, "machine") && MediaHarness.Field(e, "sub_state") == "beep_start", Limit);
        Assert.DoesNotContain(h.Events, e => IsAmd(e, leg.Id, "human"));
    }

    public async ValueTask DisposeAsync()
    {
        await _mediaThread.DisposeAsync();
        _metrics.Dispose();
        _http.Dispose();
    }
}
