using Microsoft.Extensions.Options;
using Ncco.Host.Observability;

namespace Ncco.Host.Auth;

/// <summary>
/// Slows down guessing of the account's API secret (<c>Authorization: Basic</c>): each source address may fail
/// <see cref="AuthOptions.FailedSignInsPerMinute"/> times a minute (a token bucket: that many at once, then one every
/// 60/N seconds). Past it the source gets 429 with <c>Retry-After</c> and its credentials are not even compared, so a
/// guess made while throttled tells the guesser nothing.
/// </summary>
/// <remarks>
/// It never locks the right secret out: only failures count (a client making thousands of good requests is never
/// throttled), a success clears the source's failures (a few typos are forgotten at once), the throttle is per source
/// (the operator signing in from elsewhere is unaffected while one address is guessing), and it lifts by itself
/// after <c>Retry-After</c> — there is no account lock-out to undo. Sources are remote IP addresses as Kestrel sees
/// them (behind a proxy, configure forwarded headers so each client is its own source). At most
/// <see cref="MaxSources"/> sources are tracked; beyond that the ones whose buckets have refilled are forgotten first.
/// </remarks>
public sealed class SignInThrottle
{
    /// <summary>Source addresses tracked at once.</summary>
    public const int MaxSources = 10_000;

    private readonly int _perMinute;
    private readonly TimeProvider _time;
    private readonly NccoMetrics _metrics;
    private readonly Dictionary<string, Bucket> _sources = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>Creates the throttle from <c>Ncco:Auth</c>.</summary>
    public SignInThrottle(IOptions<AuthOptions> options, TimeProvider time, NccoMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(options);
        _perMinute = options.Value.FailedSignInsPerMinute;
        _time = time;
        _metrics = metrics;
    }

    /// <summary>
    /// True when <paramref name="source"/> may try its credentials now; when false, <paramref name="retryAfter"/> says
    /// when it may again (whole seconds, at least one) and the refusal has been counted.
    /// </summary>
    public bool MayTry(string source, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (_perMinute <= 0) return true;
        lock (_gate)
        {
            if (!_sources.TryGetValue(source, out var bucket)) return true;
            Refill(bucket, _time.GetUtcNow());
            if (bucket.Tokens >= 1) return true;
            retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((1 - bucket.Tokens) * 60 / _perMinute)));
        }
        _metrics.SignInThrottled();
        return false;
    }

    /// <summary>Counts a failed sign-in from <paramref name="source"/>.</summary>
    public void Failed(string source)
    {
        if (_perMinute <= 0) return;
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_sources.TryGetValue(source, out var bucket))
            {
                if (_sources.Count >= MaxSources) Forget(now);
                bucket = new Bucket { Tokens = _perMinute, At = now };
                _sources[source] = bucket;
            }
            Refill(bucket, now);
            bucket.Tokens = Math.Max(0, bucket.Tokens - 1);
        }
    }

    /// <summary>A good sign-in from <paramref name="source"/>: its failures are forgotten.</summary>
    public void Succeeded(string source)
    {
        if (_perMinute <= 0) return;
        lock (_gate) _sources.Remove(source);
    }

    private void Refill(Bucket bucket, DateTimeOffset now)
    {
        bucket.Tokens = Math.Min(_perMinute, bucket.Tokens + ((now - bucket.At).TotalMinutes * _perMinute));
        bucket.At = now;
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var (key, bucket) in _sources.ToList())
        {
            Refill(bucket, now);
            if (bucket.Tokens >= _perMinute) _sources.Remove(key);
        }
        if (_sources.Count < MaxSources) return;
        foreach (var key in _sources.OrderBy(p => p.Value.At).Take(_sources.Count / 2).Select(p => p.Key).ToList()) _sources.Remove(key);
    }

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public DateTimeOffset At { get; set; }
    }
}
