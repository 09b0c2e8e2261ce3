using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Ncco.Host.Auth;

/// <summary>
/// Application JWTs whose signature and claims were verified, keyed by the token text, so that a client reusing its
/// token until <c>exp</c> (as Vonage allows and its SDKs do) costs a lookup instead of an RS256 verification per
/// request. Bounded by <see cref="AuthOptions.TokenCacheSize"/>; an entry is only trusted until its token's
/// <c>exp</c> and while its application still has the public key that verified it — the validator checks both on
/// every hit. Lookups take the token as a span, so a hit allocates nothing.
/// </summary>
public sealed class VerifiedTokenCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly int _capacity;
    private readonly Lock _sweep = new();
    private long _added;
    private int _count;

    /// <summary>Creates the cache with the configured capacity.</summary>
    public VerifiedTokenCache(IOptions<AuthOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _capacity = Math.Clamp(options.Value.TokenCacheSize, 0, 1_000_000);
        _bySpan = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>How many tokens are remembered (approximate under concurrent changes).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>False when the cache is turned off (<see cref="AuthOptions.TokenCacheSize"/> 0).</summary>
    public bool Enabled => _capacity > 0;

    /// <summary>The verified token for <paramref name="token"/>, if remembered.</summary>
    public VerifiedToken? Find(ReadOnlySpan<char> token) => _bySpan.TryGetValue(token, out var entry) ? entry.Token : null;

    /// <summary>The entry of a token verified before (its claims and its last accepted result), or null.</summary>
    internal Entry? FindEntry(ReadOnlySpan<char> token) => _bySpan.TryGetValue(token, out var entry) ? entry : null;

    /// <summary>Remembers a verified token (ignored when the cache is off).</summary>
    public void Add(string token, VerifiedToken verified, long nowUnixSeconds)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(verified);
        if (_capacity == 0) return;
        if (Volatile.Read(ref _count) >= _capacity) Sweep(nowUnixSeconds);
        if (_entries.TryAdd(token, new Entry(verified, Interlocked.Increment(ref _added)))) Interlocked.Increment(ref _count);
    }

    /// <summary>Forgets a token (expired, or its application's key changed).</summary>
    public void Remove(ReadOnlySpan<char> token)
    {
        if (_bySpan.TryRemove(token, out _, out _)) Interlocked.Decrement(ref _count);
    }

    /// <summary>Drops expired entries, then, if still full, the older half by insertion order.</summary>
    private void Sweep(long now)
    {
        lock (_sweep)
        {
            if (Volatile.Read(ref _count) < _capacity) return;
            foreach (var (key, entry) in _entries)
            {
                if (entry.Token.ExpiresAt < now && _entries.TryRemove(KeyValuePair.Create(key, entry))) Interlocked.Decrement(ref _count);
            }
            if (Volatile.Read(ref _count) < _capacity * 9L / 10) return;
            var keepFrom = Interlocked.Read(ref _added) - _capacity / 2;
            foreach (var (key, entry) in _entries)
            {
                if (entry.Sequence <= keepFrom && _entries.TryRemove(KeyValuePair.Create(key, entry))) Interlocked.Decrement(ref _count);
            }
        }
    }

    /// <summary>A remembered token.</summary>
    /// <remarks>
    /// <see cref="Accepted"/> is the result its last use was given, so a token reused against the same application object
    /// is answered with the same immutable result instead of a new one per request (the validator checks the application).
    /// </remarks>
    internal sealed class Entry(VerifiedToken token, long sequence)
    {
        private JwtValidationResult? _accepted;

        public VerifiedToken Token { get; } = token;

        public long Sequence { get; } = sequence;

        public JwtValidationResult? Accepted
        {
            get => Volatile.Read(ref _accepted);
            set => Volatile.Write(ref _accepted, value);
        }
    }
}
