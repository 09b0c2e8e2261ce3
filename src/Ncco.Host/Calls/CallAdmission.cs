using Microsoft.Extensions.Options;
using Ncco.Host.Configuration;
using Ncco.Host.Observability;

namespace Ncco.Host.Calls;

/// <summary>
/// Decides whether a new call may start under <see cref="LimitsOptions"/>: the host-wide cap on live legs and a
/// token bucket per source address. Refusals are counted (<see cref="NccoMetrics.CallRefused"/>) and carry how long
/// the caller should wait (<c>Retry-After</c>).
/// </summary>
public sealed class CallAdmission
{
    private readonly LimitsOptions _limits;
    private readonly ILiveCalls _live;
    private readonly NccoMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Bucket> _sources = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>Creates the admission policy from <c>Ncco:Limits</c>.</summary>
    public CallAdmission(IOptions<NccoHostOptions> options, ILiveCalls live, NccoMetrics metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _limits = options.Value.Limits;
        _live = live;
        _metrics = metrics;
        _time = time;
    }

    /// <summary>
    /// True when a new call from <paramref name="source"/> (an address; null when it has none, e.g. a REST call, which
    /// only the concurrent-call cap applies to) may start now. When false, <paramref name="retryAfter"/> says when to
    /// try again (whole seconds, at least one) and the refusal has been counted for <paramref name="transport"/>.
    /// </summary>
    public bool TryAdmit(string? source, string transport, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (_limits.MaxConcurrentCalls > 0 && _live.ActiveLegCount >= _limits.MaxConcurrentCalls)
        {
            retryAfter = TimeSpan.FromSeconds(5);
            _metrics.CallRefused("concurrent_calls", transport);
            return false;
        }
        if (source is null || _limits.CallsPerSecondPerSource <= 0) return true;
        var rate = _limits.CallsPerSecondPerSource;
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_sources.TryGetValue(source, out var bucket))
            {
                if (_sources.Count >= Math.Max(1, _limits.MaxTrackedSources)) Forget(now);
                bucket = new Bucket { Tokens = Math.Max(1, rate), At = now };
                _sources[source] = bucket;
            }
            bucket.Tokens = Math.Min(Math.Max(1, rate), bucket.Tokens + ((now - bucket.At).TotalSeconds * rate));
            bucket.At = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return true;
            }
            retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((1 - bucket.Tokens) / rate)));
        }
        _metrics.CallRefused("source_rate", transport);
        return false;
    }

    /// <summary>Drops full buckets (sources idle long enough to have refilled), else the least recently seen half.</summary>
    private void Forget(DateTimeOffset now)
    {
        var refill = TimeSpan.FromSeconds(1);
        foreach (var (key, bucket) in _sources.ToList())
        {
            if (now - bucket.At >= refill) _sources.Remove(key);
        }
        if (_sources.Count < _limits.MaxTrackedSources) return;
        foreach (var key in _sources.OrderBy(p => p.Value.At).Take(_sources.Count / 2).Select(p => p.Key).ToList()) _sources.Remove(key);
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public DateTimeOffset At { get; set; }
    }
}
