using System.Collections.Concurrent;

namespace Ncco.Host.Auth;

/// <summary>
/// The in-memory <see cref="IJtiReplayStore"/>: remembers the <c>jti</c> of every accepted application JWT until that
/// token expires, so a captured token cannot be used twice on this node. Only tokens whose signature verified are
/// recorded, so forged tokens cannot fill it; expired entries are swept as new ones arrive.
/// </summary>
public sealed class JtiReplayCache(TimeProvider time) : IJtiReplayStore
{
    private const int SweepEvery = 1024;
    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);
    private int _additions;

    /// <inheritdoc />
    public ValueTask<bool> TryRecordAsync(string applicationId, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TryRecord(applicationId, jti, expiresAt.ToUnixTimeSeconds()));

    /// <summary>Records the token; false when the same application already used this jti and it has not expired.</summary>
    public bool TryRecord(string applicationId, string jti, long expiresAtUnixSeconds)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var key = applicationId + "\n" + jti;
        var added = false;
        _seen.AddOrUpdate(key,
            _ => { added = true; return expiresAtUnixSeconds; },
            (_, existing) =>
            {
                if (existing >= now) return existing;
                added = true;
                return expiresAtUnixSeconds;
            });
        if (added && Interlocked.Increment(ref _additions) % SweepEvery == 0) Sweep(now);
        return added;
    }

    /// <summary>How many tokens are remembered (for metrics and tests).</summary>
    public int Count => _seen.Count;

    private void Sweep(long now)
    {
        foreach (var (key, expiry) in _seen)
        {
            if (expiry < now) _seen.TryRemove(KeyValuePair.Create(key, expiry));
        }
    }
}
