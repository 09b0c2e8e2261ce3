namespace Ncco.Host.Load;

/// <summary>What a phase measured: per-request latencies and status codes, and its wall time.</summary>
internal sealed class LatencyStats(string name, IReadOnlyList<double> latenciesMs, IReadOnlyDictionary<int, int> statuses, TimeSpan elapsed)
{
    public string Name => name;

    public int Count => latenciesMs.Count;

    public int Succeeded => statuses.Where(s => s.Key is >= 200 and < 300).Sum(s => s.Value);

    public IReadOnlyDictionary<int, int> Statuses => statuses;

    public double RequestsPerSecond => elapsed > TimeSpan.Zero ? Count / elapsed.TotalSeconds : 0;

    public TimeSpan Elapsed => elapsed;

    public double Percentile(double p)
    {
        if (latenciesMs.Count == 0) return double.NaN;
        var sorted = latenciesMs.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    public double Max => latenciesMs.Count == 0 ? double.NaN : latenciesMs.Max();
}
