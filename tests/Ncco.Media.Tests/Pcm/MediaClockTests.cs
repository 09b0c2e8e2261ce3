using System.Diagnostics;
using Ncco.Media.Pcm;

namespace Ncco.Media.Tests.Pcm;

public class MediaClockTests
{
    /// <summary>Timestamps the test moves by hand (the clock reads only timestamps).</summary>
    private sealed class SteppedTime : TimeProvider
    {
        private long _now = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _now);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _now, by.Ticks);
    }

    [Fact]
    public void Each_deadline_is_one_frame_and_a_late_caller_is_told_how_many_were_due()
    {
        var time = new SteppedTime();
        var clock = new MediaClock(time);
        time.Advance(TimeSpan.FromMilliseconds(20));
        Assert.Equal(1, clock.WaitForNextTick(CancellationToken.None));
        // 150 ms later the caller has missed six deadlines and the seventh is due; deadlines stay on the 20 ms grid.
        time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal(7, clock.WaitForNextTick(CancellationToken.None));
        time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal(1, clock.WaitForNextTick(CancellationToken.None));
        Assert.Equal(9, clock.Ticks);
    }

    [Fact]
    public void It_blocks_the_calling_thread_until_a_deadline_and_returns_0_when_cancelled()
    {
        var time = new SteppedTime();
        var clock = new MediaClock(time);
        using var stop = new CancellationTokenSource();
        var waited = Stopwatch.StartNew();
        var frames = -1;
        var thread = new Thread(() => frames = clock.WaitForNextTick(stop.Token));
        thread.Start();
        // With no time passing on the clock's provider it keeps waiting (in bounded naps), however long that is.
        Assert.False(thread.Join(TimeSpan.FromMilliseconds(200)));
        stop.Cancel();
        Assert.True(thread.Join(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, frames);
        Assert.True(waited.Elapsed >= TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void On_the_system_clock_it_ticks_at_the_frame_rate()
    {
        var clock = new MediaClock(TimeProvider.System);
        var waited = Stopwatch.StartNew();
        long frames = 0;
        while (frames < 10) frames += clock.WaitForNextTick(CancellationToken.None);
        // Ten frames are 200 ms; a loaded machine may wake the thread late, never early.
        Assert.InRange(waited.Elapsed.TotalMilliseconds, 190, 2000);
        Assert.Equal(frames, clock.Ticks);
    }
}
