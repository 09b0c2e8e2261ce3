using Ncco.Media.Native;

namespace Ncco.Media.Pcm;

/// <summary>
/// The 20 ms media tick for a thread of its own. <see cref="WaitForNextTick"/> blocks the calling thread until the next
/// frame's deadline (deadlines are absolute: counted from the clock's start on the injected <see cref="TimeProvider"/>'s
/// timestamps, so they never drift) and reports how many frames are due, so callers can detect missed deadlines.
/// </summary>
/// <remarks>
/// <para>It sleeps on the calling thread rather than on a timer because timer callbacks and async continuations run on
/// the thread pool: when the pool is saturated (a recogniser loading its model, a burst of requests on a 2-core
/// machine) they wait in its queue, and a media tick that waits there for half a second costs the whole process that
/// much audio.</para>
/// <para>On the system clock on Linux it paces precisely: it sleeps with nanosecond resolution (clock_nanosleep) until
/// <see cref="SpinWindow"/> before the deadline, then spins (yielding) to it. Every packet of a tick leaves at the
/// same offset from its deadline, so a stream's spacing is 20 ms to within tens of microseconds. A millisecond wait
/// (the portable path, kept for other systems and for test clocks) wakes anywhere in the millisecond after the
/// deadline, which alone puts about 0.8 ms of jitter (p95) on every stream.</para>
/// </remarks>
public sealed class MediaClock
{
    /// <summary>How long before a deadline the precise path stops sleeping and spins: more than the kernel's timer slack (50 µs) and wake-up latency on an idle core.</summary>
    public static readonly TimeSpan SpinWindow = TimeSpan.FromMicroseconds(200);

    private static readonly long FrameTicks = PcmFormat.FrameDuration.Ticks;
    private readonly TimeProvider _time;
    private readonly bool _precise;
    private readonly long _start;
    private long _ticks;

    /// <summary>Creates a clock ticking every <see cref="PcmFormat.FrameDuration"/>, starting now.</summary>
    public MediaClock(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        // Only the system clock follows the monotonic clock that clock_nanosleep sleeps on.
        _precise = ReferenceEquals(timeProvider, TimeProvider.System) && OperatingSystem.IsLinux();
        _start = timeProvider.GetTimestamp();
    }

    /// <summary>Frames elapsed since the clock started.</summary>
    public long Ticks => _ticks;

    /// <summary>True when the clock sleeps with nanosecond resolution and spins to the deadline (system clock on Linux).</summary>
    public bool IsPrecise => _precise;

    /// <summary>Time since the clock started (the deadlines are counted from it).</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_start);

    /// <summary>The deadline of the frame after the last one <see cref="WaitForNextTick"/> reported, since the clock's start.</summary>
    public TimeSpan NextDeadline => TimeSpan.FromTicks((_ticks + 1) * FrameTicks);

    /// <summary>
    /// How far past its deadline the earliest of the <paramref name="frames"/> frames <see cref="WaitForNextTick"/> just
    /// reported is now: the wake-up's lateness (tens of microseconds on time; a frame or more when frames were missed).
    /// </summary>
    public TimeSpan Lateness(int frames) => TimeSpan.FromTicks(_time.GetElapsedTime(_start).Ticks - ((_ticks - frames + 1) * FrameTicks));

    /// <summary>
    /// Blocks until the next tick is due. Returns the number of frames due (1 normally; more when the caller fell
    /// behind), or 0 when <paramref name="cancellationToken"/> fired.
    /// </summary>
    public int WaitForNextTick(CancellationToken cancellationToken)
    {
        while (true)
        {
            var elapsed = _time.GetElapsedTime(_start).Ticks;
            var due = elapsed / FrameTicks;
            if (due > _ticks)
            {
                var frames = (int)Math.Min(due - _ticks, int.MaxValue);
                _ticks = due;
                return frames;
            }
            if (!WaitUntil((_ticks + 1) * FrameTicks, cancellationToken)) return 0;
        }
    }

    /// <summary>
    /// Blocks until <paramref name="offset"/> after the deadline of the tick <see cref="WaitForNextTick"/> last returned
    /// (at once when that time has passed), with the same precision as the tick itself. A media thread that builds its
    /// packets at the tick and sends them all at this instant gives every stream the same spacing however long building
    /// took. Returns false when the time had already passed or <paramref name="cancellationToken"/> fired, true when it
    /// waited.
    /// </summary>
    public bool WaitUntilAfterTick(TimeSpan offset, CancellationToken cancellationToken)
    {
        var target = (_ticks * FrameTicks) + offset.Ticks;
        if (_time.GetElapsedTime(_start).Ticks >= target) return false;
        return WaitUntil(target, cancellationToken);
    }

    // Waits until `target` ticks after the clock's start: false when cancelled.
    private bool WaitUntil(long target, CancellationToken cancellationToken)
    {
        var spinner = default(SpinWait);
        while (true)
        {
            var remaining = target - _time.GetElapsedTime(_start).Ticks;
            if (remaining <= 0) return true;
            if (_precise)
            {
                if (cancellationToken.IsCancellationRequested) return false;
                var sleep = PreciseSleepTicks(remaining);
                if (sleep > 0) MediaThreadScheduling.TrySleepPrecise(TimeSpan.FromTicks(sleep));
                else spinner.SpinOnce(sleep1Threshold: -1); // never Sleep(1): that would overshoot by a millisecond
                continue;
            }
            if (cancellationToken.WaitHandle.WaitOne(MillisecondWait(remaining))) return false;
        }
    }

    /// <summary>
    /// The precise path's plan: how long to sleep (TimeSpan ticks) with <paramref name="remaining"/> ticks to the
    /// deadline — up to <see cref="SpinWindow"/> before it, at most one frame (so cancellation is seen within a
    /// frame); 0 means spin.
    /// </summary>
    internal static long PreciseSleepTicks(long remaining) => Math.Clamp(remaining - SpinWindow.Ticks, 0, FrameTicks);

    /// <summary>
    /// The portable path's wait in whole milliseconds: rounded up (the wait's resolution) so the thread wakes at or just
    /// after the deadline instead of spinning on it; at least 1 and capped at one frame, so a TimeProvider whose
    /// timestamps do not follow real time cannot park the thread.
    /// </summary>
    internal static int MillisecondWait(long remaining) =>
        (int)Math.Clamp((remaining + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond, 1, PcmFormat.FrameMilliseconds);
}
