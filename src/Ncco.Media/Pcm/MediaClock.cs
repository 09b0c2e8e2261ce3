namespace Ncco.Media.Pcm;

/// <summary>
/// The 20 ms media tick for a thread of its own. <see cref="WaitForNextTick"/> blocks the calling thread until the next
/// frame's deadline (deadlines are counted from the clock's start on the injected <see cref="TimeProvider"/>'s
/// timestamps, so they never drift) and reports how many frames are due, so callers can detect missed deadlines.
/// </summary>
/// <remarks>
/// It sleeps on the calling thread rather than on a timer because timer callbacks and async continuations run on the
/// thread pool: when the pool is saturated (a recogniser loading its model, a burst of requests on a 2-core machine)
/// they wait in its queue, and a media tick that waits there for half a second costs the whole process that much audio.
/// </remarks>
public sealed class MediaClock
{
    private static readonly long FrameTicks = PcmFormat.FrameDuration.Ticks;
    private readonly TimeProvider _time;
    private readonly long _start;
    private long _ticks;

    /// <summary>Creates a clock ticking every <see cref="PcmFormat.FrameDuration"/>, starting now.</summary>
    public MediaClock(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _start = timeProvider.GetTimestamp();
    }

    /// <summary>Frames elapsed since the clock started.</summary>
    public long Ticks => _ticks;

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
            // Rounded up to whole milliseconds (the wait's resolution) so the thread wakes at or just after the
            // deadline instead of spinning on it; capped at one frame so a TimeProvider whose timestamps do not follow
            // real time cannot park the thread.
            var remaining = ((_ticks + 1) * FrameTicks) - elapsed;
            var milliseconds = (int)Math.Clamp((remaining + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond, 1, PcmFormat.FrameMilliseconds);
            if (cancellationToken.WaitHandle.WaitOne(milliseconds)) return 0;
        }
    }
}
