using System.Globalization;
using System.Text.RegularExpressions;

namespace Ncco.Host.Load;

/// <summary>What one wrk run reported: totals, non-2xx count and its latency distribution (50/75/90/99 %).</summary>
internal sealed partial record WrkResult(string Name, long Requests, double Seconds, long Non2xx, long SocketErrors,
    double RequestsPerSecond, double P50Ms, double P90Ms, double P99Ms, double MaxMs)
{
    /// <summary>CPU time of the bench process (the in-process host) during the run.</summary>
    public double BenchCpuSeconds { get; init; }

    /// <summary>Bytes the bench process (the in-process host) allocated during the run.</summary>
    public long BenchAllocatedBytes { get; init; }

    /// <summary>Host managed allocation per request in bytes (meaningful only with the host in-process).</summary>
    public double AllocatedBytesPerRequest => Requests == 0 ? double.NaN : (double)BenchAllocatedBytes / Requests;

    /// <summary>Host CPU per request in µs (meaningful only with the host in-process).</summary>
    public double CpuMicrosecondsPerRequest => Requests == 0 ? double.NaN : BenchCpuSeconds * 1e6 / Requests;

    public static WrkResult? Parse(string name, string text)
    {
        var total = Total().Match(text);
        var rate = Rate().Match(text);
        if (!total.Success || !rate.Success) return null;
        double Percentile(string p)
        {
            var m = Regex.Match(text, @"^\s*" + p + @"%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
            return m.Success ? Ms(m.Groups[1].Value, m.Groups[2].Value) : double.NaN;
        }
        var latency = LatencyLine().Match(text);
        var non2xx = Non2xxPattern().Match(text);
        var socket = SocketErrorsPattern().Match(text);
        long socketErrors = 0;
        if (socket.Success)
        {
            foreach (var group in new[] { 1, 2, 3, 4 }) socketErrors += long.Parse(socket.Groups[group].Value, CultureInfo.InvariantCulture);
        }
        return new WrkResult(name,
            long.Parse(total.Groups[1].Value, CultureInfo.InvariantCulture),
            ToSeconds(total.Groups[2].Value, total.Groups[3].Value),
            non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            socketErrors,
            double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture),
            Percentile("50"), Percentile("90"), Percentile("99"),
            latency.Success ? Ms(latency.Groups[1].Value, latency.Groups[2].Value) : double.NaN);
    }

    private static double Ms(string value, string unit) => double.Parse(value, CultureInfo.InvariantCulture) * unit switch
    {
        "us" => 0.001,
        "ms" => 1,
        _ => 1000,
    };

    private static double ToSeconds(string value, string unit) => Ms(value, unit) / 1000;

    [GeneratedRegex(@"(\d+) requests in ([\d.]+)(us|ms|s)")]
    private static partial Regex Total();

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex Rate();

    // "    Latency     1.23ms    0.45ms  12.34ms   90.00%": avg, stdev, max.
    [GeneratedRegex(@"Latency\s+[\d.]+(?:us|ms|s)\s+[\d.]+(?:us|ms|s)\s+([\d.]+)(us|ms|s)")]
    private static partial Regex LatencyLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xxPattern();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsPattern();
}
