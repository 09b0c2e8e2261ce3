using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Ncco.Host.MediaPlane;
using Ncco.Media.Pcm;
using Ncco.Media.Playback;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// The ticking thread's own accounting (<see cref="MediaThread.Step"/>), driven with a clock the test moves: why a tick
/// was late, how late it woke, how long building and sending took — and that none of it allocates.
/// </summary>
public sealed class MediaTickTimingTests : IAsyncDisposable
{
    /// <summary>A leg whose inbound audio costs the test clock <see cref="Cost"/> per frame.</summary>
    private sealed class CostlyTransport(FakeTimeProvider time) : IMediaTransport
    {
        public TimeSpan Cost { get; set; }

        public int SampleRate => 8000;

        public bool ReadInbound(Span<short> frame)
        {
            time.Advance(Cost);
            frame.Fill(1000);
            return true;
        }

        public void WriteOutbound(ReadOnlySpan<short> frame)
        {
        }

        public void FlushOutbound()
        {
        }

        public bool ConversationDtmf(char digit, int durationMilliseconds) => true;
    }

    private readonly HttpClient _http = new();
    private readonly FakeTimeProvider _time = new();
    private readonly MediaMetrics _metrics = new(null);
    private readonly CostlyTransport _transport;
    private readonly MediaThread _media;
    private TimeSpan _pauses;

    public MediaTickTimingTests()
    {
        var cache = Directory.CreateTempSubdirectory("ncco-media-cache-").FullName;
        _transport = new CostlyTransport(_time);
        _media = new MediaThread(_time, _metrics, new PlaybackRenderer(null, new StreamPlayer(_http, _time, new StreamPlayerOptions(cache))), null, NullLogger.Instance,
            startClock: false) { PauseTotal = () => _pauses };
        _media.Post(() => _media.Add(new LegMedia(_media, "leg-0", _transport)));
    }

    private int Wake(MediaClock clock, TimeSpan after)
    {
        _time.Advance(after);
        var frames = clock.WaitForNextTick(CancellationToken.None);
        Assert.True(_media.Step(clock, frames, CancellationToken.None));
        return frames;
    }

    [Fact]
    public void A_late_tick_is_put_down_to_its_own_overrun_a_late_wake_up_or_a_gc_pause()
    {
        var clock = new MediaClock(_time);
        Assert.Equal(1, Wake(clock, TimeSpan.FromMilliseconds(20)));
        Assert.Equal(0, _metrics.FramesLate);

        // The work takes 45 ms, from 40 to 85 ms: the next two deadlines (60, 80 ms) pass while it runs.
        _transport.Cost = TimeSpan.FromMilliseconds(45);
        Assert.Equal(1, Wake(clock, TimeSpan.FromMilliseconds(20)));
        _transport.Cost = TimeSpan.Zero;
        Assert.Equal(2, Wake(clock, TimeSpan.Zero)); // at 85 ms: frames 3 and 4 due
        Assert.Equal((1L, 1L, 0L, 0L), (_metrics.FramesLate, _metrics.FramesLateOverrun, _metrics.FramesLateWake, _metrics.FramesLateInGc));

        // Ready in time (at 85 ms for 100 ms) but woken at 145 ms: the scheduler's.
        Assert.Equal(3, Wake(clock, TimeSpan.FromMilliseconds(60)));
        Assert.Equal((3L, 1L, 2L, 0L), (_metrics.FramesLate, _metrics.FramesLateOverrun, _metrics.FramesLateWake, _metrics.FramesLateInGc));

        // A collection paused the process in between: the collector's, whatever else happened.
        _pauses += TimeSpan.FromMilliseconds(30);
        Assert.Equal(2, Wake(clock, TimeSpan.FromMilliseconds(40)));
        Assert.Equal((4L, 1L, 2L, 1L), (_metrics.FramesLate, _metrics.FramesLateOverrun, _metrics.FramesLateWake, _metrics.FramesLateInGc));
    }

    [Fact]
    public void Each_tick_records_how_late_it_woke_and_how_long_building_and_sending_took()
    {
        var clock = new MediaClock(_time);
        _transport.Cost = TimeSpan.FromMilliseconds(3);
        Wake(clock, TimeSpan.FromMilliseconds(20.05)); // 50 µs late, 3 ms of work
        Wake(clock, TimeSpan.FromMilliseconds(17 + 1.5)); // 1.5 ms late
        Assert.Equal(2, _metrics.TickWake.Count);
        Assert.Equal(1, _metrics.TickWake.AtMost(0.1));
        Assert.Equal(2, _metrics.TickWake.AtMost(2));
        Assert.Equal(0, _metrics.TickBuild.AtMost(2));
        Assert.Equal(2, _metrics.TickBuild.AtMost(5));
        Assert.Equal(2, _metrics.TickSend.AtMost(0.1)); // sending took no test time
    }

    [Fact]
    public async Task Steady_state_ticks_with_their_timing_and_a_realtime_budget_allocate_nothing()
    {
        var left = 0;
        var entered = 0;
        var budget = new RealtimeBudget(_time, 10, () => ++left > 0, () => ++entered > 0); // 2 ms
        var cache = Directory.CreateTempSubdirectory("ncco-media-cache-").FullName;
        using var metrics = new MediaMetrics(null);
        var transports = Enumerable.Range(0, 3).Select(_ => new CostlyTransport(_time) { Cost = TimeSpan.FromMilliseconds(1.5) }).ToArray();
        var media = new MediaThread(_time, metrics, new PlaybackRenderer(null, new StreamPlayer(_http, _time, new StreamPlayerOptions(cache))), null, NullLogger.Instance,
            startClock: false, budgets: [budget]);
        try
        {
            media.Post(() =>
            {
                for (var i = 0; i < transports.Length; i++) media.Add(new LegMedia(media, "leg-" + i, transports[i]));
            });
            var clock = new MediaClock(_time);
            void Ticks(int count)
            {
                for (var i = 0; i < count; i++)
                {
                    _time.Advance(clock.NextDeadline - clock.Elapsed); // woken exactly at the deadline
                    var frames = clock.WaitForNextTick(CancellationToken.None);
                    media.Step(clock, frames, CancellationToken.None);
                }
            }
            Ticks(100); // warm up: the command, first-use buffers
            var ticks = 100;
            SteadyStateAllocation.AssertNone(() => { Ticks(1); ticks++; }, 250);

            // Every tick's 4.5 ms of work passed the 2 ms budget: it left real-time priority and took it back, each time.
            Assert.Equal(ticks, left);
            Assert.Equal(ticks, entered);
            Assert.Equal(ticks, metrics.RealtimeBudgetExhausted);
            Assert.Equal(0, metrics.FramesLate);
            Assert.Equal(ticks, metrics.TickBuild.Count);
        }
        finally
        {
            await media.DisposeAsync();
        }
    }

    [Fact]
    public void The_histograms_export_cumulative_counts_by_upper_bound()
    {
        var histogram = new TickHistogram();
        histogram.Record(TimeSpan.FromMilliseconds(0.05));
        histogram.Record(TimeSpan.FromMilliseconds(3));
        histogram.Record(TimeSpan.FromMilliseconds(3));
        histogram.Record(TimeSpan.FromSeconds(2));
        var buckets = histogram.Measurements().Select(m => ((string)m.Tags[0].Value!, m.Value)).ToArray();
        Assert.Equal(("0.1", 1L), buckets[0]);
        Assert.Equal(("2", 1L), buckets[4]);
        Assert.Equal(("5", 3L), buckets[5]);
        Assert.Equal(("50", 3L), buckets[8]);
        Assert.Equal(("+Inf", 4L), buckets[^1]);
    }

    public async ValueTask DisposeAsync()
    {
        await _media.DisposeAsync();
        _metrics.Dispose();
        _http.Dispose();
    }
}
