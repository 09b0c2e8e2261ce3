using System.Diagnostics.Metrics;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// Durations the media threads record once per tick (how late a thread woke after its deadline, how long building took,
/// how long sending took), counted in fixed buckets. Recording is one comparison chain and one interlocked increment: no
/// lock, no allocation, safe from several threads. Exported like a Prometheus histogram's buckets: cumulative counts of
/// values at most each bound, tagged <c>le</c> (milliseconds; <c>+Inf</c> counts everything).
/// </summary>
internal sealed class TickHistogram
{
    /// <summary>The buckets' upper bounds in milliseconds (a last, unbounded bucket follows).</summary>
    public static ReadOnlySpan<double> BoundsMilliseconds => [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50];

    private readonly long[] _counts = new long[BoundsMilliseconds.Length + 1];
    private readonly KeyValuePair<string, object?>[] _tags;

    public TickHistogram()
    {
        var bounds = BoundsMilliseconds;
        _tags = new KeyValuePair<string, object?>[bounds.Length + 1];
        for (var i = 0; i < bounds.Length; i++) _tags[i] = new("le", bounds[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
        _tags[^1] = new("le", "+Inf");
    }

    /// <summary>Counts one duration (a negative one counts in the first bucket).</summary>
    public void Record(TimeSpan duration)
    {
        var milliseconds = duration.TotalMilliseconds;
        var bounds = BoundsMilliseconds;
        var i = 0;
        while (i < bounds.Length && milliseconds > bounds[i]) i++;
        Interlocked.Increment(ref _counts[i]);
    }

    /// <summary>Durations recorded that were at most <paramref name="milliseconds"/> (one of <see cref="BoundsMilliseconds"/>; any other value: all).</summary>
    public long AtMost(double milliseconds)
    {
        var bounds = BoundsMilliseconds;
        long total = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            total += Interlocked.Read(ref _counts[i]);
            if (i < bounds.Length && bounds[i] == milliseconds) return total;
        }
        return total;
    }

    /// <summary>Every duration recorded.</summary>
    public long Count => AtMost(double.PositiveInfinity);

    /// <summary>The cumulative counts, one per bound, for an observable counter (called by the exporter, not per tick).</summary>
    public IEnumerable<Measurement<long>> Measurements()
    {
        var result = new Measurement<long>[_counts.Length];
        long total = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            total += Interlocked.Read(ref _counts[i]);
            result[i] = new Measurement<long>(total, _tags[i]);
        }
        return result;
    }
}
