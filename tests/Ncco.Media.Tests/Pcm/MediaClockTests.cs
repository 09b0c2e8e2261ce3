using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Ncco.Media.Pcm;

namespace Ncco.Media.Tests.Pcm;

public class MediaClockTests
{
    [Fact]
    public void Each_deadline_is_one_frame_and_a_late_caller_is_told_how_many_were_due()
    {
        var time = new FakeTimeProvider();
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
    public void Lateness_is_measured_from_the_earliest_due_frames_deadline_and_the_next_deadline_follows_the_last()
    {
        var time = new FakeTimeProvider();
        var clock = new MediaClock(time);
        time.Advance(TimeSpan.FromMilliseconds(20.3));
        Assert.Equal(1, clock.WaitForNextTick(CancellationToken.None));
        Assert.Equal(TimeSpan.FromMilliseconds(0.3), clock.Lateness(1));
        Assert.Equal(TimeSpan.FromMilliseconds(40), clock.NextDeadline);
        // Woken at 87 ms: frames 2 and 3 and 4 (40, 60, 80 ms) are due; the earliest's deadline was 47 ms ago.
        time.Advance(TimeSpan.FromMilliseconds(66.7));
        Assert.Equal(3, clock.WaitForNextTick(CancellationToken.None));
        Assert.Equal(TimeSpan.FromMilliseconds(47), clock.Lateness(3));
        Assert.Equal(TimeSpan.FromMilliseconds(100), clock.NextDeadline);
        Assert.Equal(TimeSpan.FromMilliseconds(87), clock.Elapsed);
    }

    [Fact]
    public void It_blocks_the_calling_thread_until_a_deadline_and_returns_0_when_cancelled()
    {
        var time = new FakeTimeProvider();
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
    public void The_send_instant_is_an_offset_from_the_last_ticks_deadline_not_from_when_the_work_ended()
    {
        var time = new FakeTimeProvider();
        var clock = new MediaClock(time);
        time.Advance(TimeSpan.FromMilliseconds(41)); // ticks 1 and 2 due: the deadline is at 40 ms
        Assert.Equal(2, clock.WaitForNextTick(CancellationToken.None));
        var waiter = new Thread(() => clock.WaitUntilAfterTick(TimeSpan.FromMilliseconds(5), CancellationToken.None));
        waiter.Start();
        // 41 ms: 4 ms before the send instant (45 ms) the caller is still held…
        Assert.False(waiter.Join(TimeSpan.FromMilliseconds(100)));
        time.Advance(TimeSpan.FromMilliseconds(4));
        // …and released once it comes.
        Assert.True(waiter.Join(TimeSpan.FromSeconds(5)));
        // Work that ran past the instant is told so at once.
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(clock.WaitUntilAfterTick(TimeSpan.FromMilliseconds(5), CancellationToken.None));
    }

    [Fact]
    public void Waiting_for_the_send_instant_returns_false_when_cancelled()
    {
        var time = new FakeTimeProvider();
        var clock = new MediaClock(time);
        using var stop = new CancellationTokenSource();
        var waited = true;
        var thread = new Thread(() => waited = clock.WaitUntilAfterTick(TimeSpan.FromMilliseconds(5), stop.Token));
        thread.Start();
        Assert.False(thread.Join(TimeSpan.FromMilliseconds(100)));
        stop.Cancel();
        Assert.True(thread.Join(TimeSpan.FromSeconds(5)));
        Assert.False(waited);
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

    [Fact]
    public void The_precise_path_sleeps_until_the_spin_window_before_the_deadline_then_spins()
    {
        var frame = PcmFormat.FrameDuration.Ticks;
        var spin = MediaClock.SpinWindow.Ticks;
        // A whole frame ahead: sleep all of it but the spin window.
        Assert.Equal(frame - spin, MediaClock.PreciseSleepTicks(frame));
        // 5 ms ahead: sleep to 200 µs before the deadline (not rounded to milliseconds).
        Assert.Equal(TimeSpan.FromMilliseconds(5).Ticks - spin, MediaClock.PreciseSleepTicks(TimeSpan.FromMilliseconds(5).Ticks));
        // Inside the spin window, or at the deadline: no sleep (spin).
        Assert.Equal(0, MediaClock.PreciseSleepTicks(spin));
        Assert.Equal(0, MediaClock.PreciseSleepTicks(spin / 2));
        Assert.Equal(0, MediaClock.PreciseSleepTicks(0));
        // Never more than a frame, so cancellation is seen within one.
        Assert.Equal(frame, MediaClock.PreciseSleepTicks(10 * frame));
    }

    [Fact]
    public void The_portable_path_waits_whole_milliseconds_rounded_up_between_1_and_a_frame()
    {
        Assert.Equal(1, MediaClock.MillisecondWait(1));
        Assert.Equal(1, MediaClock.MillisecondWait(TimeSpan.TicksPerMillisecond));
        Assert.Equal(2, MediaClock.MillisecondWait(TimeSpan.TicksPerMillisecond + 1));
        Assert.Equal(1, MediaClock.MillisecondWait(-5));
        Assert.Equal(PcmFormat.FrameMilliseconds, MediaClock.MillisecondWait(TimeSpan.FromSeconds(3).Ticks));
    }

    [Fact]
    public void Only_the_system_clock_on_Linux_is_paced_precisely()
    {
        Assert.False(new MediaClock(new FakeTimeProvider()).IsPrecise);
        Assert.Equal(OperatingSystem.IsLinux(), new MediaClock(TimeProvider.System).IsPrecise);
    }

    [Fact]
    public void Precise_pacing_is_cancellable_while_spinning_or_sleeping()
    {
        var clock = new MediaClock(TimeProvider.System);
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        // Already cancelled: a call reports the deadlines already due (if any), and once caught up returns 0 instead of
        // sleeping or spinning to the next one. Bounded: a machine too busy to catch up in 100 calls fails the test.
        var calls = 0;
        while (clock.WaitForNextTick(stop.Token) != 0) Assert.True(++calls < 100);
    }
}
