using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.MediaPlane;
using Ncco.Legs;
using Ncco.Media.Playback;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// Two media objects with one leg uuid on a driven media thread (a stand-in whose bridge was re-created, a leg re-added
/// after a re-join): whatever order their additions and removals arrive in, none stays in the tick list once its owner
/// removed it.
/// </summary>
public sealed class MediaThreadLegIdentityTests : IAsyncDisposable
{
    private readonly HttpClient _http = new();
    private readonly MediaMetrics _metrics = new(null);
    private readonly MediaThread _mediaThread;

    public MediaThreadLegIdentityTests()
    {
        var cache = Directory.CreateTempSubdirectory("ncco-media-cache-").FullName;
        _mediaThread = new MediaThread(TimeProvider.System, _metrics, new PlaybackRenderer(null, new StreamPlayer(_http, TimeProvider.System, new StreamPlayerOptions(cache))),
            null, NullLogger.Instance, startClock: false);
    }

    private sealed class CountingTransport : IMediaTransport
    {
        public int SampleRate => 16000;

        /// <summary>Frames the media thread built for this object (it is in the tick list while this grows).</summary>
        public int Written { get; private set; }

        public bool ReadInbound(Span<short> frame) => false;

        public void WriteOutbound(ReadOnlySpan<short> frame) => Written++;

        public bool ConversationDtmf(char digit, int durationMilliseconds) => false;
    }

    private (LegMedia Media, CountingTransport Transport) NewMedia(string id)
    {
        var transport = new CountingTransport();
        return (new LegMedia(_mediaThread, id, transport), transport);
    }

    private void Run(Action commands)
    {
        _mediaThread.Post(commands);
        _mediaThread.Tick();
    }

    [Fact]
    public void A_removal_posted_for_media_never_added_leaves_the_live_media_of_its_uuid_in_place_and_removable()
    {
        // The old bridge ended before its socket opened (its removal is posted although it was never added) after the
        // new one with the same uuid had joined.
        var (stale, _) = NewMedia("leg-1");
        var (live, liveTransport) = NewMedia("leg-1");
        Run(() => _mediaThread.Add(live));
        Run(() => _mediaThread.Remove(stale));

        Assert.Equal(1, _metrics.LegsActive);
        Assert.Same(live, _mediaThread.FindLeg("leg-1"));
        var written = liveTransport.Written;
        _mediaThread.Tick();
        Assert.Equal(written + 1, liveTransport.Written);

        Run(() => _mediaThread.Remove(live));
        Assert.Equal(0, _metrics.LegsActive);
        Assert.Null(_mediaThread.FindLeg("leg-1"));
        written = liveTransport.Written;
        _mediaThread.Tick();
        Assert.Equal(written, liveTransport.Written);
    }

    [Fact]
    public void A_second_media_of_one_uuid_replaces_the_first_and_each_owners_removal_leaves_nothing_behind()
    {
        var (first, firstTransport) = NewMedia("leg-1");
        var (second, secondTransport) = NewMedia("leg-1");
        Run(() => _mediaThread.Add(first));
        Run(() => _mediaThread.Add(second));

        Assert.Equal(1, _metrics.LegsActive);
        Assert.Same(second, _mediaThread.FindLeg("leg-1"));
        var (firstWritten, secondWritten) = (firstTransport.Written, secondTransport.Written);
        _mediaThread.Tick();
        Assert.Equal(firstWritten, firstTransport.Written);
        Assert.Equal(secondWritten + 1, secondTransport.Written);

        // The replaced object's owner removes it late: the newer one stays until its own owner removes it.
        Run(() => _mediaThread.Remove(first));
        Assert.Same(second, _mediaThread.FindLeg("leg-1"));
        Assert.Equal(1, _metrics.LegsActive);
        Run(() => _mediaThread.Remove(second));
        Assert.Equal(0, _metrics.LegsActive);
        Assert.Null(_mediaThread.FindLeg("leg-1"));
    }

    [Fact]
    public void Removals_in_either_order_after_both_additions_empty_the_thread_and_its_mixer()
    {
        foreach (var removeFirstFirst in new[] { true, false })
        {
            var (first, _) = NewMedia("leg-1");
            var (second, secondTransport) = NewMedia("leg-1");
            var (other, _) = NewMedia("leg-2");
            Run(() =>
            {
                _mediaThread.Add(other);
                _mediaThread.Add(first);
                _mediaThread.ApplyMix(new MediaMix("CON-1", true, [new MediaParticipant("leg-1", false, false, null, null), new MediaParticipant("leg-2", false, false, null, null)]));
                _mediaThread.Add(second); // re-joins the mix the VM last sent
            });
            Assert.Same(_mediaThread.Mixer("CON-1", create: false), second.Mixer);
            Assert.Null(first.Mixer);

            Run(() =>
            {
                if (removeFirstFirst) _mediaThread.Remove(first);
                _mediaThread.Remove(second);
                if (!removeFirstFirst) _mediaThread.Remove(first);
                _mediaThread.Remove(other);
            });
            Assert.Equal(0, _metrics.LegsActive);
            Assert.Null(_mediaThread.Mixer("CON-1", create: false));
            var written = secondTransport.Written;
            _mediaThread.Tick();
            Assert.Equal(written, secondTransport.Written);
            Run(() => _mediaThread.ApplyMix(new MediaMix("CON-1", false, [])));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _mediaThread.DisposeAsync();
        _metrics.Dispose();
        _http.Dispose();
    }
}
