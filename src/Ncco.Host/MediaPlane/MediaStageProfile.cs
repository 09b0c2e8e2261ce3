using System.Diagnostics;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// Where a tick's time goes: <see cref="Stopwatch"/> ticks summed per <see cref="MediaStage"/> over all legs and
/// workers. Off unless <see cref="MediaThread.Profile"/> is set (the host benchmark's <c>profile</c> command does);
/// when off, each stage costs one null check. Safe to feed from several tick workers at once.
/// </summary>
internal sealed class MediaStageProfile
{
    private readonly long[] _ticks = new long[Enum.GetValues<MediaStage>().Length];

    /// <summary>Ticks the profile has seen.</summary>
    public long Ticks => Interlocked.Read(ref _tickCount);

    private long _tickCount;

    /// <summary>A timestamp to measure the next stage from.</summary>
    public static long Now() => Stopwatch.GetTimestamp();

    /// <summary>Adds the time since <paramref name="since"/> to <paramref name="stage"/>; returns now (the next stage's start).</summary>
    public long Lap(MediaStage stage, long since)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Add(ref _ticks[(int)stage], now - since);
        return now;
    }

    /// <summary>Counts one tick.</summary>
    public void TickDone() => Interlocked.Increment(ref _tickCount);

    /// <summary>Total time spent in <paramref name="stage"/>.</summary>
    public TimeSpan Total(MediaStage stage) => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks[(int)stage]));

    /// <summary>Forgets everything measured so far.</summary>
    public void Reset()
    {
        for (var i = 0; i < _ticks.Length; i++) Interlocked.Exchange(ref _ticks[i], 0);
        Interlocked.Exchange(ref _tickCount, 0);
    }
}
