namespace Ncco.Media.Pcm;

/// <summary>
/// The 20 ms media tick. Wraps a <see cref="PeriodicTimer"/> on an injected <see cref="TimeProvider"/> and counts
/// ticks so callers can detect missed deadlines (a tick that arrives late reports how many frames were skipped).
/// </summary>
public sealed class MediaClock : IDisposable
{
    private readonly PeriodicTimer _timer;
    private readonly TimeProvider _time;
    private readonly long _start;
    private long _ticks;

    /// <summary>Creates a clock ticking every <see cref="PcmFormat.FrameDuration"/>.</summary>
    public MediaClock(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _timer = new PeriodicTimer(PcmFormat.FrameDuration, timeProvider);
        _start = timeProvider.GetTimestamp();
    }

    /// <summary>Frames elapsed since the clock started.</summary>
    public long Ticks => _ticks;

    /// <summary>
    /// Waits for the next tick. Returns the number of frames due (1 normally; more when the caller fell behind),
    /// or 0 when the clock was disposed.
    /// </summary>
    public async ValueTask<int> WaitForNextTickAsync(CancellationToken cancellationToken)
    {
        if (!await _timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }
        var elapsed = _time.GetElapsedTime(_start);
        var due = (long)(elapsed.Ticks / PcmFormat.FrameDuration.Ticks);
        var frames = (int)Math.Max(1, due - _ticks);
        _ticks += frames;
        return frames;
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();
}
