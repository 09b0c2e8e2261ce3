using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Ncco.Host.MediaPlane;
using Ncco.Legs;
using Ncco.Media.Playback;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>A real-time media thread's budget per tick: it leaves real-time priority once its work passes it, and takes it back to send and sleep.</summary>
public sealed class RealtimeBudgetTests : IAsyncDisposable
{
    /// <summary>The policy changes a budget asked for, in order ("leave", "enter").</summary>
    private sealed class Policy
    {
        public List<string> Changes { get; } = [];

        public RealtimeBudget Budget(TimeProvider time, int percent) =>
            new(time, percent, () => { Changes.Add("leave"); return true; }, () => { Changes.Add("enter"); return true; });
    }

    private readonly HttpClient _http = new();

    [Fact]
    public void Work_within_the_budget_stays_realtime_and_work_past_it_leaves_once_until_restored()
    {
        var time = new FakeTimeProvider();
        var policy = new Policy();
        var budget = policy.Budget(time, 50);
        Assert.Equal(TimeSpan.FromMilliseconds(10), budget.Budget);

        budget.Start();
        time.Advance(TimeSpan.FromMilliseconds(10)); // exactly the budget: still within it
        budget.Check();
        budget.Restore();
        Assert.Empty(policy.Changes);

        budget.Start();
        time.Advance(TimeSpan.FromMilliseconds(10.1));
        budget.Check();
        time.Advance(TimeSpan.FromMilliseconds(5));
        budget.Check(); // already left: no second change
        Assert.True(budget.Left);
        budget.Restore();
        budget.Restore();
        Assert.False(budget.Left);
        Assert.Equal(["leave", "enter"], policy.Changes);
        Assert.Equal(1, budget.Exhausted);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void A_budget_outside_1_to_100_percent_is_refused(int percent)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealtimeBudget(TimeProvider.System, percent));
    }

    /// <summary>A leg whose inbound audio costs the test clock a fixed time per frame.</summary>
    private sealed class SlowTransport(FakeTimeProvider time, TimeSpan cost, List<string> log, string name) : IMediaTransport
    {
        public int SampleRate => 8000;

        public bool ReadInbound(Span<short> frame)
        {
            time.Advance(cost);
            log.Add("build " + name);
            frame.Clear();
            return true;
        }

        public void WriteOutbound(ReadOnlySpan<short> frame)
        {
        }

        public void FlushOutbound() => log.Add("send " + name);

        public bool ConversationDtmf(char digit, int durationMilliseconds) => true;
    }

    [Fact]
    public async Task A_tick_whose_legs_take_longer_than_the_budget_finishes_at_nice_minus_10_and_sends_at_realtime()
    {
        var time = new FakeTimeProvider();
        var log = new List<string>();
        var budget = new RealtimeBudget(time, 25, () => { log.Add("leave"); return true; }, () => { log.Add("enter"); return true; });
        using var metrics = new MediaMetrics(null);
        var cache = Directory.CreateTempSubdirectory("ncco-media-cache-").FullName;
        var media = new MediaThread(time, metrics, new PlaybackRenderer(null, new StreamPlayer(_http, time, new StreamPlayerOptions(cache))), null, NullLogger.Instance,
            startClock: false, budgets: [budget]);
        try
        {
            // Three legs at 3 ms each against a 5 ms budget: the third leg's work starts past it.
            var legs = Enumerable.Range(0, 3).Select(i => new LegMedia(media, "leg-" + i, new SlowTransport(time, TimeSpan.FromMilliseconds(3), log, "leg-" + i))).ToArray();
            media.Post(() =>
            {
                foreach (var leg in legs) media.Add(leg);
            });
            media.Tick();
            Assert.Equal(["build leg-0", "build leg-1", "leave", "build leg-2", "enter", "send leg-0", "send leg-1", "send leg-2"], log);
            Assert.Equal(1, metrics.RealtimeBudgetExhausted);

            // A tick within the budget (one leg left) changes nothing.
            media.Post(() =>
            {
                media.Remove(legs[1]);
                media.Remove(legs[2]);
            });
            log.Clear();
            media.Tick();
            Assert.Equal(["build leg-0", "send leg-0"], log);
            Assert.Equal(1, metrics.RealtimeBudgetExhausted);
        }
        finally
        {
            await media.DisposeAsync();
        }
    }

    [Fact]
    public void One_budget_per_worker_is_required()
    {
        using var metrics = new MediaMetrics(null);
        var cache = Directory.CreateTempSubdirectory("ncco-media-cache-").FullName;
        var error = Assert.Throws<ArgumentException>(() => new MediaThread(TimeProvider.System, metrics,
            new PlaybackRenderer(null, new StreamPlayer(_http, TimeProvider.System, new StreamPlayerOptions(cache))), null, NullLogger.Instance,
            startClock: false, workers: 2, budgets: [new RealtimeBudget(TimeProvider.System, 50)]));
        Assert.Equal("budgets", error.ParamName);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
