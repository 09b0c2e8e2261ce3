using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.MediaPlane;
using Ncco.Legs;
using Ncco.Media.Playback;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>The media thread's per-frame path, driven tick by tick.</summary>
public sealed class MediaThreadTests : IAsyncDisposable
{
    private readonly HttpClient _http = new();
    private readonly MediaMetrics _metrics = new(null);
    private readonly MediaThread _mediaThread;

    public MediaThreadTests()
    {
        var cache = Directory.CreateTempSubdirectory("ncco-media-cache-").FullName;
        _mediaThread = new MediaThread(TimeProvider.System, _metrics, new PlaybackRenderer(null, new StreamPlayer(_http, TimeProvider.System, new StreamPlayerOptions(cache))),
            null, NullLogger.Instance, startClock: false);
    }

    private sealed class LoopTransport(int rate) : IMediaTransport
    {
        private readonly short[] _tone = TestAudio.Tone(700, 0.02, rate);

        public int SampleRate => rate;

        public long Sent { get; private set; }

        public bool ReadInbound(Span<short> frame)
        {
            _tone.CopyTo(frame);
            return true;
        }

        public void WriteOutbound(ReadOnlySpan<short> frame)
        {
            Sent += frame.Length;
            Volatile.Write(ref _unflushed, _unflushed + 1);
        }

        private int _unflushed;

        /// <summary>Flushes that found a frame written since the last one (the media thread sends what it built).</summary>
        public int Flushed => Volatile.Read(ref _flushed);

        private int _flushed;

        public void FlushOutbound()
        {
            if (Volatile.Read(ref _unflushed) == 0) return;
            Volatile.Write(ref _unflushed, 0);
            Volatile.Write(ref _flushed, _flushed + 1);
        }

        public bool ConversationDtmf(char digit, int durationMilliseconds) => true;
    }

    [Fact]
    public void Steady_state_ticks_of_mixed_legs_with_playback_allocate_nothing()
    {
        var transports = new[] { new LoopTransport(16000), new LoopTransport(8000), new LoopTransport(24000) };
        var legs = transports.Select((t, i) => new LegMedia(_mediaThread, "leg-" + i, t)).ToArray();
        _mediaThread.Post(() =>
        {
            foreach (var leg in legs) _mediaThread.Add(leg);
            _mediaThread.ApplyMix(new MediaMix("CON-1", true, legs.Select(l => new MediaParticipant(l.Id, false, false, null, null)).ToArray()));
            foreach (var leg in legs) leg.Play(new Playback(1, PlaybackKind.Dtmf) { Text = "12345678901234567890123456789012345678901234567890123456789012345678901234567890" });
        });
        for (var i = 0; i < 50; i++) _mediaThread.Tick(); // warm up: commands, first-use buffers
        var ticks = 50;
        SteadyStateAllocation.AssertNone(() => { _mediaThread.Tick(); ticks++; }, 250);

        // The thread's own allocation counter (ncco.media.allocated, phase frames) agrees: nothing on the frame path.
        var counted = _metrics.AllocatedFrames;
        for (var i = 0; i < 250; i++) _mediaThread.Tick();
        ticks += 250;
        Assert.Equal(counted, _metrics.AllocatedFrames);
        Assert.All(transports, t => Assert.Equal(ticks, t.Flushed)); // every tick sent what it built
        Assert.Equal(3, _metrics.LegsActive);
        Assert.Equal(ticks * 320L, transports[0].Sent);
        Assert.Equal(ticks * 160L, transports[1].Sent);
        Assert.Equal(ticks * 480L, transports[2].Sent);
    }

    [Fact]
    public async Task With_its_own_clock_the_thread_sends_each_ticks_frames_after_building_them()
    {
        var metrics = new MediaMetrics(null);
        var cache = Directory.CreateTempSubdirectory("ncco-media-cache-").FullName;
        await using var running = new MediaThread(TimeProvider.System, metrics, new PlaybackRenderer(null, new StreamPlayer(_http, TimeProvider.System, new StreamPlayerOptions(cache))),
            null, NullLogger.Instance, startClock: true, workers: 2) { SendDelay = TimeSpan.FromMilliseconds(5) };
        var transports = new[] { new LoopTransport(8000), new LoopTransport(16000) };
        running.Post(() =>
        {
            for (var i = 0; i < transports.Length; i++) running.Add(new LegMedia(running, "leg-" + i, transports[i]));
        });
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (transports.Any(t => t.Flushed < 10) && waited.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);

        // Every flush found a built frame; a tick that fell behind builds up to MaxCatchUpFrames before one flush.
        Assert.All(transports, t => Assert.True(t.Flushed >= 10, $"{t.Flushed} flushes in {waited.Elapsed}"));
        metrics.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _mediaThread.DisposeAsync();
        _metrics.Dispose();
        _http.Dispose();
    }
}
