using System.Security.Cryptography;
using Ncco.Sip.Messages;
using Ncco.Sip.Parsing;

namespace Ncco.Sip.Auth;

/// <summary>
/// Server side of digest authentication (RFC 2617/7616/8760): challenges with SHA-256 and MD5, verifies qop=auth or
/// legacy responses. Nonces are stateless — a timestamp sealed with an HMAC under a per-instance key — so a flood of
/// unauthenticated requests costs no memory, forged nonces are rejected and old ones are reported stale.
/// </summary>
public sealed class DigestAuthenticator
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly Func<string, string?> _passwords;
    private readonly TimeProvider _time;

    /// <summary>Creates an authenticator for <paramref name="realm"/>; <paramref name="passwords"/> maps a user name to its password (null = unknown).</summary>
    public DigestAuthenticator(string realm, Func<string, string?> passwords, TimeProvider time)
    {
        Realm = realm;
        _passwords = passwords;
        _time = time;
    }

    /// <summary>The realm.</summary>
    public string Realm { get; }

    /// <summary>How long a nonce stays valid.</summary>
    public TimeSpan NonceLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Algorithms challenged with, one header each, in this order. RFC 8760 puts the preferred first (the default), but some
    /// clients only ever read the first challenge — SIPp 3.6 among them, which knows MD5 only — so a deployment with such
    /// phones lists MD5 first; clients that read every challenge (ours) still choose SHA-256.
    /// </summary>
    public IReadOnlyList<string> Algorithms { get; init; } = ["SHA-256", "MD5"];

    /// <summary>A 401 (or 407 as a proxy) for <paramref name="request"/> offering <see cref="Algorithms"/>.</summary>
    public SipResponse Challenge(SipRequest request, bool stale = false, bool proxy = false, string? toTag = null)
    {
        var nonce = NewNonce();
        var header = proxy ? HeaderNames.ProxyAuthenticate : HeaderNames.WwwAuthenticate;
        var staleText = stale ? ", stale=true" : "";
        var response = SipResponse.For(request, proxy ? 407 : 401, toTag: toTag);
        foreach (var algorithm in Algorithms.Where(DigestHash.IsSupported))
        {
            response = response.AddHeader(header, $"Digest realm=\"{Realm}\", nonce=\"{nonce}\", algorithm={algorithm}, qop=\"auth\"{staleText}");
        }
        return response;
    }

    /// <summary>Checks the Authorization (or Proxy-Authorization) header of <paramref name="request"/>.</summary>
    public DigestVerdict Verify(SipRequest request, bool proxy = false) => Verify(request, out _, proxy);

    /// <summary>Checks the credentials and gives the user name they were accepted for.</summary>
    public DigestVerdict Verify(SipRequest request, out string? username, bool proxy = false)
    {
        var verdict = Check(request, proxy, out var name);
        username = verdict == DigestVerdict.Accepted ? name : null;
        return verdict;
    }

    private DigestVerdict Check(SipRequest request, bool proxy, out string? username)
    {
        username = null;
        var header = proxy ? HeaderNames.ProxyAuthorization : HeaderNames.Authorization;
        DigestChallenge? credentials = null;
        foreach (var value in request.HeaderValues(header))
        {
            try
            {
                var parsed = DigestChallenge.Parse(value, header);
                if (parsed.Realm == Realm)
                {
                    credentials = parsed;
                    break;
                }
            }
            catch (SipParseException)
            {
                return DigestVerdict.Rejected;
            }
        }
        if (credentials is null)
        {
            return DigestVerdict.Missing;
        }
        username = credentials.Get("username");
        var response = credentials.Get("response");
        var uri = credentials.Get("uri");
        if (username is null || response is null || uri is null || !DigestHash.IsSupported(credentials.Algorithm) || _passwords(username) is not { } password)
        {
            return DigestVerdict.Rejected;
        }
        var qop = credentials.Get("qop");
        if (qop is not null && qop != "auth")
        {
            return DigestVerdict.Rejected;
        }
        var expected = DigestHash.Response(credentials.Algorithm, username, Realm, password, request.Method, uri, credentials.Nonce, qop, credentials.Get("nc"), credentials.Get("cnonce"));
        if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(expected), System.Text.Encoding.ASCII.GetBytes(response.ToLowerInvariant())))
        {
            return DigestVerdict.Rejected;
        }
        return NonceAge(credentials.Nonce) switch
        {
            null => DigestVerdict.Rejected,
            var age when age > NonceLifetime => DigestVerdict.Stale,
            _ => DigestVerdict.Accepted,
        };
    }

    private string NewNonce()
    {
        var stamp = BitConverter.GetBytes(_time.GetUtcNow().ToUnixTimeMilliseconds());
        var mac = HMACSHA256.HashData(_key, stamp);
        return Convert.ToHexStringLower([.. stamp, .. mac.AsSpan(0, 16)]);
    }

    private TimeSpan? NonceAge(string nonce)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromHexString(nonce);
        }
        catch (FormatException)
        {
            return null;
        }
        if (bytes.Length != 24)
        {
            return null;
        }
        var mac = HMACSHA256.HashData(_key, bytes.AsSpan(0, 8));
        if (!CryptographicOperations.FixedTimeEquals(mac.AsSpan(0, 16), bytes.AsSpan(8)))
        {
            return null;
        }
        var issued = DateTimeOffset.FromUnixTimeMilliseconds(BitConverter.ToInt64(bytes, 0));
        return _time.GetUtcNow() - issued;
    }
}
