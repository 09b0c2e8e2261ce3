using System.Diagnostics.Metrics;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// Media instruments on the <c>Ncco.Host</c> meter: <c>ncco.media.frames_late</c> (20 ms ticks the media thread
/// reached after their deadline — the load benchmark's main signal), <c>ncco.media.legs_active</c> and
/// <c>ncco.recordings.failed</c> (recordings the disk refused or that could not be finished, by <c>stage</c>:
/// <c>start</c>, <c>write</c>, <c>finish</c>).
/// </summary>
internal sealed class MediaMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Ncco.Host";

    private readonly Meter? _owned;
    private readonly Counter<long> _late;
    private readonly Counter<long> _recordingsFailed;
    private long _recordingsFailedTotal;
    private int _legs;
    private long _lateTotal;

    public MediaMetrics(IMeterFactory? factory)
    {
        var meter = factory?.Create(MeterName) ?? (_owned = new Meter(MeterName));
        _late = meter.CreateCounter<long>("ncco.media.frames_late", "{frame}", "Media ticks processed after their 20 ms deadline.");
        _recordingsFailed = meter.CreateCounter<long>("ncco.recordings.failed", "{recording}", "Recordings that could not be written (disk full, I/O errors), by stage.");
        meter.CreateObservableGauge("ncco.media.legs_active", () => Volatile.Read(ref _legs), "{leg}", "Legs whose audio the media thread is processing.");
    }

    /// <summary>Late frames so far (also for tests and logs).</summary>
    public long FramesLate => Interlocked.Read(ref _lateTotal);

    /// <summary>Legs currently processed.</summary>
    public int LegsActive => Volatile.Read(ref _legs);

    public void Late(long frames)
    {
        Interlocked.Add(ref _lateTotal, frames);
        _late.Add(frames);
    }

    /// <summary>Recordings that failed so far (also for tests).</summary>
    public long RecordingsFailed => Interlocked.Read(ref _recordingsFailedTotal);

    /// <summary>Counts a failed recording; <paramref name="stage"/> is <c>start</c>, <c>write</c> or <c>finish</c>.</summary>
    public void RecordingFailed(string stage)
    {
        Interlocked.Increment(ref _recordingsFailedTotal);
        _recordingsFailed.Add(1, new KeyValuePair<string, object?>("stage", stage));
    }

    public void LegCount(int count) => Volatile.Write(ref _legs, count);

    public void Dispose() => _owned?.Dispose();
}
