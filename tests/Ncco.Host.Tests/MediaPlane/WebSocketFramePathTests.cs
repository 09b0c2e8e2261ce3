using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.Legs.WebSockets;
using Ncco.Host.MediaPlane;
using Ncco.Host.Tests.Support;
using Ncco.Legs;
using Ncco.Media.Playback;
using Ncco.Model;
using Ncco.Model.Endpoints;
using Ncco.Webhooks;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// Issue 19: a WebSocket leg's per-frame path — the media thread building and queueing its frame, the send pump writing
/// it to a real loopback socket, the app's frames played back — allocates nothing in steady state, and every frame
/// reaches the app through the one pump thread (no thread-pool work item per frame and leg).
/// </summary>
public sealed class WebSocketFramePathTests : IAsyncLifetime
{
    private const int Legs = 4;
    private readonly HttpClient _http = new();
    private readonly MediaMetrics _metrics = new(null);
    private MediaThread _mediaThread = null!;
    private WebSocketSendPump _pump = null!;
    private AppSocketServer _sockets = null!;

    public async Task InitializeAsync()
    {
        var cache = Directory.CreateTempSubdirectory("ncco-media-cache-").FullName;
        _mediaThread = new MediaThread(TimeProvider.System, _metrics, new PlaybackRenderer(null, new StreamPlayer(_http, TimeProvider.System, new StreamPlayerOptions(cache))),
            null, NullLogger.Instance, startClock: false);
        _pump = new WebSocketSendPump();
        _sockets = await AppSocketServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _mediaThread.DisposeAsync();
        _pump.Dispose();
        await _sockets.DisposeAsync();
        _http.Dispose();
    }

    private sealed class Sink : LegEventSinkBase
    {
        private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Answer => _answered.Task;

        public override void Answered() => _answered.TrySetResult();
    }

    private async Task<(WebSocketLeg Leg, AppSocket Socket)> OpenAsync(string name)
    {
        var endpoint = CallEndpoint.WebSocket(_sockets.Url(name), 16000);
        var application = new VoiceApplication { EventUrl = WebhookTarget.Of("https://app.test/event", WebhookMethod.Post) };
        var leg = new WebSocketLeg(name, endpoint, application, _mediaThread, _pump, TimeProvider.System, NullLogger.Instance);
        _legs.Add(leg);
        var sink = new Sink();
        ILegTransport transport = leg;
        transport.Attach(sink);
        transport.Dial();
        var socket = await _sockets.AcceptAsync(name);
        await sink.Answer.WaitAsync(TimeSpan.FromSeconds(10));
        // A tone to play, so every frame the app hears is real audio (not the resampler's skipped silence).
        transport.Play(new Playback(1, PlaybackKind.Dtmf) { Text = new string('5', 200) });
        return (leg, socket);
    }

    private readonly List<WebSocketLeg> _legs = [];

    private bool Sending()
    {
        foreach (var leg in _legs)
        {
            if (leg.SendBuffersInUse > 0) return true;
        }
        return false;
    }

    private void Ticks(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _mediaThread.Tick();
            // The steady state is a pump that keeps up (it sends a tick's frames within microseconds; here the box may be
            // loaded): wait for it, so the frame arrays it hands back are the ones the next tick takes. A pump that lags
            // makes the legs take more arrays, once (each leg keeps as many as it ever had queued), not per frame.
            var deadline = Environment.TickCount64 + 2000;
            while (Sending() && Environment.TickCount64 < deadline) Thread.Sleep(1);
        }
    }

    [Fact]
    public async Task Steady_state_frames_both_ways_allocate_nothing_on_the_media_thread_or_the_send_pump()
    {
        var opened = new List<(WebSocketLeg Leg, AppSocket Socket)>();
        for (var i = 0; i < Legs; i++) opened.Add(await OpenAsync("leg-" + i));
        // Each app sends its audio back faster than real time (4 s at once; the playback buffer holds 20 s).
        foreach (var (_, socket) in opened) await socket.SendAudioAsync(TestAudio.Tone(440, 4, 16000), 16000);

        Ticks(100); // warm up: the commands adding the legs, first-use buffers, JIT
        Thread.Sleep(300); // tiered compilation promotes the hot methods in the background
        Ticks(100);
        // 5 s more, so every measured tick reads a frame from the app (its buffers are the warm-up's, reused).
        foreach (var (_, socket) in opened) await socket.SendAudioAsync(TestAudio.Tone(440, 5, 16000), 16000);
        await Task.Delay(300);

        var heardBefore = opened.Select(o => o.Socket.BinarySizes().Length).ToArray();
        var pumpBefore = _pump.AllocatedBytes;
        var drainsBefore = _pump.Drains;
        var before = GC.GetAllocatedBytesForCurrentThread();
        Ticks(250);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The pump sends each tick's frames right after the tick; give the last one its turn.
        await Task.Delay(200);

        Assert.True(allocated == 0, $"{allocated} bytes allocated on the media thread in 250 steady-state ticks");
        Assert.Equal(0, _pump.AllocatedBytes - pumpBefore);
        Assert.All(opened, o => Assert.InRange(o.Leg.SendBuffers, 1, 16)); // arrays for the deepest backlog, not one per frame
        for (var i = 0; i < Legs; i++)
        {
            Assert.Equal(250, opened[i].Socket.BinarySizes().Length - heardBefore[i]); // every frame reached its app, none dropped
            Assert.All(opened[i].Socket.BinarySizes(), size => Assert.Equal(640, size));
            Assert.Equal(0, opened[i].Leg.FramesDropped);
        }
        // The pump's wakes: at most one per tick, after the media thread's flush handed it every leg (before, it could
        // wake once per leg while the flush was still running: 641 wakes for these 1,000 frames on an idle core).
        Assert.InRange(_pump.Drains - drainsBefore, 1, 250);
        Assert.All(opened, o => Assert.Equal(0, o.Leg.FramesOverflowed));
        Assert.Equal(0, _metrics.FramesLate);
    }
}
