using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.MediaPlane;
using Ncco.Media.Playback;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// Issue 19: a sender the legs' flush hands frames to (the WebSocket send pump) is told once per tick, after every leg's
/// flush, however many legs asked — so it wakes once per tick instead of once per leg while the flush still runs.
/// </summary>
public sealed class MediaThreadFlushListenerTests : IAsyncDisposable
{
    private readonly HttpClient _http = new();
    private readonly MediaMetrics _metrics = new(null);
    private readonly MediaThread _mediaThread;
    private readonly List<string> _log = [];

    public MediaThreadFlushListenerTests()
    {
        var cache = Directory.CreateTempSubdirectory("ncco-media-cache-").FullName;
        _mediaThread = new MediaThread(TimeProvider.System, _metrics, new PlaybackRenderer(null, new StreamPlayer(_http, TimeProvider.System, new StreamPlayerOptions(cache))),
            null, NullLogger.Instance, startClock: false);
    }

    private sealed class Listener(List<string> log) : ITickFlushListener
    {
        public void TickFlushed() => log.Add("flushed");
    }

    // A transport that asks to be told after the flush each time it is flushed, like a WebSocket leg with a frame queued.
    private sealed class AskingTransport(string name, MediaThread thread, ITickFlushListener listener, List<string> log, bool asks) : IMediaTransport
    {
        public int SampleRate => 16000;

        public bool ReadInbound(Span<short> frame) => false;

        public void WriteOutbound(ReadOnlySpan<short> frame)
        {
        }

        public void FlushOutbound()
        {
            log.Add("flush " + name);
            if (asks) thread.AfterFlush(listener);
        }

        public bool ConversationDtmf(char digit, int durationMilliseconds) => true;
    }

    private void AddLegs(ITickFlushListener listener, params (string Name, bool Asks)[] legs)
    {
        _mediaThread.Post(() =>
        {
            foreach (var (name, asks) in legs) _mediaThread.Add(new LegMedia(_mediaThread, name, new AskingTransport(name, _mediaThread, listener, _log, asks)));
        });
    }

    [Fact]
    public void A_listener_asked_for_by_every_leg_is_told_once_after_all_legs_flushed()
    {
        var listener = new Listener(_log);
        AddLegs(listener, ("a", true), ("b", true), ("c", true));

        _mediaThread.Tick();
        _mediaThread.Tick();

        Assert.Equal(["flush a", "flush b", "flush c", "flushed", "flush a", "flush b", "flush c", "flushed"], _log);
    }

    [Fact]
    public void A_tick_whose_legs_did_not_ask_tells_no_listener()
    {
        var listener = new Listener(_log);
        AddLegs(listener, ("a", false), ("b", false));

        _mediaThread.Tick();

        Assert.Equal(["flush a", "flush b"], _log);
    }

    [Fact]
    public void Each_listener_asked_for_in_a_flush_is_told_once_after_it()
    {
        var first = new Listener(_log);
        var second = new Listener(_log);
        _mediaThread.Post(() =>
        {
            _mediaThread.Add(new LegMedia(_mediaThread, "a", new AskingTransport("a", _mediaThread, first, _log, asks: true)));
            _mediaThread.Add(new LegMedia(_mediaThread, "b", new AskingTransport("b", _mediaThread, second, _log, asks: true)));
            _mediaThread.Add(new LegMedia(_mediaThread, "c", new AskingTransport("c", _mediaThread, first, _log, asks: true)));
        });

        _mediaThread.Tick();

        Assert.Equal(["flush a", "flush b", "flush c", "flushed", "flushed"], _log);
    }

    public async ValueTask DisposeAsync()
    {
        await _mediaThread.DisposeAsync();
        _metrics.Dispose();
        _http.Dispose();
    }
}
