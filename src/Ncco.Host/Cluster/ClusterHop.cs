using Microsoft.Extensions.Primitives;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ncco.Host.Auth;

namespace Ncco.Host.Cluster;

/// <summary>
/// The authenticated internal hop between nodes: a REST operation on a leg that another node runs is sent there
/// with the authenticated application's id, a timestamp and an HMAC-SHA256 over the method, path and query, the
/// application id, the timestamp and the SHA-256 of the body. The user's JWT is not sent on (the entry node checked it
/// and its acl; the owner would count its <c>jti</c> twice). The key is derived from the account's signature secret,
/// which every node of a cluster reads from the shared <c>account</c> row, so there is nothing extra to configure; a
/// node whose <c>Ncco:Account:SignatureSecret</c> setting differs from the others' cannot forward to them (401).
/// </summary>
/// <remarks>
/// A hop is accepted for <see cref="MaxSkew"/> either side of the receiver's clock: the nodes' clocks must agree to
/// within that (NTP). Within that window a captured hop could be replayed by whoever can reach the internal network,
/// which the cluster's internal URLs must therefore keep private, as every peer's internal API does.
/// </remarks>
public sealed class ClusterHop
{
    /// <summary>The application on whose behalf the hop is made.</summary>
    public const string ApplicationHeader = "Ncco-Hop-Application";

    /// <summary>When the hop was signed (Unix milliseconds).</summary>
    public const string TimeHeader = "Ncco-Hop-Time";

    /// <summary>The hex HMAC-SHA256 of the hop.</summary>
    public const string SignatureHeader = "Ncco-Hop-Signature";

    /// <summary>The node that forwarded the hop (diagnostics).</summary>
    public const string FromHeader = "Ncco-Hop-From";

    /// <summary>How far a hop's timestamp may be from the receiver's clock.</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromSeconds(30);

    private readonly byte[] _key;
    private readonly TimeProvider _time;

    /// <summary>Creates the signer of this account.</summary>
    public ClusterHop(AccountCredentials account, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(account);
        // A key of its own rather than the signature secret itself: a hop signature can never pass for a webhook's.
        _key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(account.SignatureSecret), "ncco cluster hop v1"u8);
        _time = time;
    }

    /// <summary>Adds the hop's headers to <paramref name="request"/>, whose body is <paramref name="body"/>.</summary>
    public void Sign(HttpRequestMessage request, string applicationId, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var (name, value) in Headers(request.Method.Method, request.RequestUri!.PathAndQuery, applicationId, body)) request.Headers.Add(name, value);
    }

    /// <summary>
    /// The hop's headers for a request that is not an <see cref="HttpRequestMessage"/> (the WebSocket handshake of a
    /// conversation bridge: a <c>GET</c> of <paramref name="pathAndQuery"/> without a body).
    /// </summary>
    public IReadOnlyList<(string Name, string Value)> Headers(string method, string pathAndQuery, string applicationId, ReadOnlySpan<byte> body)
    {
        var at = _time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        return [(ApplicationHeader, applicationId), (TimeHeader, at), (SignatureHeader, Signature(method, pathAndQuery, applicationId, at, body))];
    }

    /// <summary>True when <paramref name="request"/> carries a hop signature (which <see cref="VerifyAsync"/> then checks).</summary>
    public static bool IsSigned(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return !StringValues.IsNullOrEmpty(request.Headers[SignatureHeader]);
    }

    /// <summary>
    /// Null when <paramref name="request"/> carries no hop headers; else whether they are a valid hop (the application
    /// id) or why not.
    /// </summary>
    public async Task<(bool IsHop, string? ApplicationId, string? Problem)> VerifyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var signature = request.Headers[SignatureHeader].ToString();
        if (signature.Length == 0) return (false, null, null);
        var application = request.Headers[ApplicationHeader].ToString();
        var at = request.Headers[TimeHeader].ToString();
        if (application.Length == 0 || !long.TryParse(at, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return (true, null, $"an internal hop needs {ApplicationHeader} and {TimeHeader} (Unix milliseconds)");
        }
        var skew = _time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ms, 0, 253402300799999));
        if (skew.Duration() > MaxSkew) return (true, null, $"the internal hop was signed {skew.TotalSeconds:0} s away from this node's clock (at most {MaxSkew.TotalSeconds:0} s)");
        // The body is bounded by Ncco:Limits:MaxRequestBodyBytes; it is kept for the endpoint to read again.
        request.EnableBuffering();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        request.Body.Position = 0;
        var expected = Signature(request.Method, request.PathBase.Add(request.Path) + request.QueryString, application, at, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? (true, application, null)
            : (true, null, "the internal hop's signature does not match (do all nodes share the account's signature secret?)");
    }

    private string Signature(string method, string pathAndQuery, string applicationId, string at, ReadOnlySpan<byte> body)
    {
        var text = $"ncco-hop-v1\n{method.ToUpperInvariant()}\n{pathAndQuery}\n{applicationId}\n{at}\n{Convert.ToHexStringLower(SHA256.HashData(body))}";
        return Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(text)));
    }
}
