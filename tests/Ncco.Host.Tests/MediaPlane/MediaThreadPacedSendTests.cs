using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Ncco.Host.MediaPlane;
using Ncco.Media.Pcm;
using Ncco.Media.Playback;
using Ncco.Rtp.Sessions;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// <see cref="MediaThread.Pacer"/>: the instant the ticking thread gives each frame it builds, and that a tick's packets
/// go to the kernel with the flush. No timing is asserted: the instants are computed, not measured.
/// </summary>
public sealed class MediaThreadPacedSendTests : IAsyncDisposable
{
    /// <summary>Records the pacer's instant as each frame is built.</summary>
    private sealed class RecordingTransport(PacedSender pacer) : IMediaTransport
    {
        public List<long> Instants { get; } = [];

        public int Flushes { get; private set; }

        public int SampleRate => 8000;

        public bool ReadInbound(Span<short> frame) => false;

        public void WriteOutbound(ReadOnlySpan<short> frame) => Instants.Add(pacer.FrameDeadline);

        public void FlushOutbound() => Flushes++;

        public bool ConversationDtmf(char digit, int durationMilliseconds) => true;
    }

    private const long FrameNanoseconds = 20_000_000;
    private readonly HttpClient _http = new();
    private readonly FakeTimeProvider _time = new();
    private readonly PacedSender _pacer = PacedSender.TryCreate(TimeSpan.FromMilliseconds(40), 256, out _) ?? throw new InvalidOperationException("io_uring is available on the test machines (kernel 6.x)");
    private readonly RecordingTransport _transport;
    private readonly MediaThread _media;

    public MediaThreadPacedSendTests()
    {
        var cache = Directory.CreateTempSubdirectory("ncco-media-cache-").FullName;
        _transport = new RecordingTransport(_pacer);
        _media = new MediaThread(_time, new MediaMetrics(null), new PlaybackRenderer(null, new StreamPlayer(_http, _time, new StreamPlayerOptions(cache))), null, NullLogger.Instance,
            startClock: false) { Pacer = _pacer, SendDelay = TimeSpan.FromMilliseconds(10) };
        _media.Post(() => _media.Add(new LegMedia(_media, "leg-0", _transport)));
    }

    [Fact]
    public void Frames_built_together_after_a_pause_keep_their_own_ticks_instants_20_ms_apart_plus_the_lead()
    {
        var clock = new MediaClock(_time);
        _time.Advance(TimeSpan.FromMilliseconds(20));
        Assert.True(_media.Step(clock, clock.WaitForNextTick(CancellationToken.None), CancellationToken.None));
        Assert.Single(_transport.Instants);

        // A 60 ms pause: three ticks due at once, built in one wake-up.
        _time.Advance(TimeSpan.FromMilliseconds(65));
        var before = PacedSender.Now();
        var frames = clock.WaitForNextTick(CancellationToken.None);
        Assert.Equal(3, frames);
        Assert.True(_media.Step(clock, frames, CancellationToken.None));
        var after = PacedSender.Now();

        Assert.Equal(4, _transport.Instants.Count);
        var caughtUp = _transport.Instants[1..];
        Assert.Equal([caughtUp[0], caughtUp[0] + FrameNanoseconds, caughtUp[0] + (2 * FrameNanoseconds)], caughtUp);
        // The newest frame is the tick due 5 ms before this wake-up (clock time 80 ms of 85), plus the 40 ms lead.
        var newest = caughtUp[2] - _pacer.LeadNanoseconds + 5_000_000;
        Assert.InRange(newest, before, after);
        // With a pacer the thread does not wait for SendDelay (the fake clock would never get there) and flushes once.
        Assert.Equal(2, _transport.Flushes);
    }

    public async ValueTask DisposeAsync()
    {
        await _media.DisposeAsync();
        _pacer.Dispose();
        _http.Dispose();
    }
}
