using System.Collections.Concurrent;
using System.Security.Cryptography;
using Ncco.Host.Applications;

namespace Ncco.Host.Auth;

/// <summary>
/// Applications and their parsed public keys for JWT verification, so a Voice API request costs one signature check
/// instead of a database read and a PEM parse. Entries live <see cref="Lifetime"/> and are dropped at once when this
/// host changes or deletes the application; a change made by another node is seen within <see cref="Lifetime"/>.
/// </summary>
public sealed class ApplicationKeyCache(IApplicationRepository applications, TimeProvider time)
{
    /// <summary>How long an entry is trusted without reading the store again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The application, or null when there is none with that id.</summary>
    public async ValueTask<Application?> FindAsync(string applicationId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(applicationId, out var entry) && entry.Until > now) return entry.Application;
        var application = await applications.FindAsync(applicationId, cancellationToken);
        if (application is null)
        {
            _entries.TryRemove(applicationId, out _);
            return null;
        }
        _entries[applicationId] = new Entry(application, now + Lifetime, new ConcurrentBag<RSA>());
        return application;
    }

    /// <summary>Verifies an RS256 signature with the application's public key.</summary>
    public bool Verify(Application application, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(application);
        // RSA instances are not documented as thread-safe: each verification borrows one from the entry's pool.
        var pool = _entries.TryGetValue(application.Id, out var entry) && entry.Application.PublicKey == application.PublicKey ? entry.Keys : null;
        if (pool is null || !pool.TryTake(out var rsa))
        {
            rsa = RSA.Create();
            rsa.ImportFromPem(application.PublicKey);
        }
        try
        {
            return rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        finally
        {
            if (pool is not null && pool.Count < 64) pool.Add(rsa);
            else rsa.Dispose();
        }
    }

    /// <summary>Forgets an application (after it was replaced or deleted).</summary>
    public void Invalidate(string applicationId) => _entries.TryRemove(applicationId, out _);

    private sealed record Entry(Application Application, DateTimeOffset Until, ConcurrentBag<RSA> Keys);
}
