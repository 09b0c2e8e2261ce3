using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Ncco.Host.Applications;

namespace Ncco.Host.Auth;

/// <summary>
/// Verifies the RS256 application JWTs of the Voice REST API (reference §4.3): only <c>RS256</c> (so <c>none</c> and
/// HS256-with-the-public-key confusion fail), required <c>application_id</c>, <c>iat</c> and <c>jti</c>, <c>exp</c>
/// defaulting to <c>iat</c> + 15 min, lifetimes over 24 h refused, <c>nbf</c> honoured, a small clock skew allowed,
/// and a well-formed <c>acl</c> when there is one (<see cref="JwtAcl"/>; the filter enforces it).
/// </summary>
/// <remarks>
/// A valid token is accepted until it expires, however often it is used, as on Vonage: its guides export one
/// <c>$JWT</c> for several curl calls and SDKs cache theirs. Verified tokens are remembered in the
/// <see cref="VerifiedTokenCache"/>, so reuse costs a lookup plus a check that the application still has the key that
/// verified it. <see cref="AuthOptions.RejectReplayedTokens"/> makes each <c>jti</c> single-use instead, through the
/// registered <see cref="IJtiReplayStore"/>.
/// </remarks>
public sealed class ApplicationJwtValidator(
    ApplicationKeyCache applications, VerifiedTokenCache verified, IJtiReplayStore replay, IOptions<AuthOptions> options, TimeProvider time)
{
    /// <summary>Clock difference tolerated between the client and this host.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private const long DefaultLifetimeSeconds = 15 * 60;
    private const long MaxLifetimeSeconds = 24 * 60 * 60;
    private static readonly long Skew = (long)ClockSkew.TotalSeconds;

    private readonly bool _rejectReplays = options.Value.RejectReplayedTokens;

    /// <summary>Checks a bearer token.</summary>
    public ValueTask<JwtValidationResult> ValidateAsync(string token, CancellationToken cancellationToken) =>
        ValidateAsync((token ?? string.Empty).AsMemory(), cancellationToken);

    /// <summary>Checks a bearer token given as part of a larger string (the <c>Authorization</c> header), without copying it when it was verified before.</summary>
    public async ValueTask<JwtValidationResult> ValidateAsync(ReadOnlyMemory<char> token, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (verified.FindEntry(token.Span) is { } entry)
        {
            var known = entry.Token;
            if (known.ExpiresAt < now - Skew)
            {
                verified.Remove(token.Span);
                return JwtValidationResult.Fail("The token has expired.", "jwt-expired");
            }
            var current = await applications.FindAsync(known.ApplicationId, cancellationToken);
            if (current is null)
            {
                verified.Remove(token.Span);
                return JwtValidationResult.Fail("No application has the token's application_id.");
            }
            if (ReferenceEquals(current.PublicKey, known.PublicKey) || current.PublicKey == known.PublicKey)
            {
                // Without replay protection a reuse against the same application object has the same outcome as the last one.
                if (!_rejectReplays && entry.Accepted is { } accepted && ReferenceEquals(accepted.Application, current)) return accepted;
                var result = await AcceptAsync(current, known, cancellationToken);
                if (!_rejectReplays && result.IsValid) entry.Accepted = result;
                return result;
            }
            // The application has a new key since: the token must verify against that one.
            verified.Remove(token.Span);
        }

        var text = token.ToString();
        var (application, claims, failure) = await VerifyAsync(text, now, cancellationToken);
        if (failure is not null) return failure;
        if (!_rejectReplays) verified.Add(text, claims!, now);
        return await AcceptAsync(application!, claims!, cancellationToken);
    }

    private async ValueTask<JwtValidationResult> AcceptAsync(Application application, VerifiedToken token, CancellationToken cancellationToken)
    {
        if (_rejectReplays && !await replay.TryRecordAsync(token.ApplicationId, token.Jti, DateTimeOffset.FromUnixTimeSeconds(token.ExpiresAt), cancellationToken))
        {
            return JwtValidationResult.Fail("The token was already used (replayed jti): this host accepts each token once (Ncco:Auth:RejectReplayedTokens).");
        }
        return JwtValidationResult.Success(application, token);
    }

    private async ValueTask<(Application? Application, VerifiedToken? Token, JwtValidationResult? Failure)> VerifyAsync(string token, long now, CancellationToken cancellationToken)
    {
        static (Application?, VerifiedToken?, JwtValidationResult?) Fail(string detail, string key = "unauthorized") => (null, null, JwtValidationResult.Fail(detail, key));

        var parts = token.Split('.');
        if (parts.Length != 3) return Fail("The token is not a JWT (expected three dot-separated parts).");

        using var header = ParseSegment(parts[0]);
        using var payload = ParseSegment(parts[1]);
        var signature = DecodeSegment(parts[2]);
        if (header is null || payload is null || signature is null) return Fail("The token is not valid base64url-encoded JSON.");

        if (!header.RootElement.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || !alg.ValueEquals("RS256"))
        {
            return Fail("Application JWTs must be signed with RS256.");
        }

        var claims = payload.RootElement;
        if (!TryString(claims, "application_id", out var applicationId)) return Fail("The token has no application_id claim.");
        if (!TryString(claims, "jti", out var jti)) return Fail("The token has no jti claim.");
        if (!TryNumber(claims, "iat", out var iat)) return Fail("The token has no numeric iat claim.");
        var hasExp = claims.TryGetProperty("exp", out _);
        if (hasExp && !TryNumber(claims, "exp", out _)) return Fail("The exp claim must be a number of seconds.");
        TryNumber(claims, "exp", out var exp);
        if (!hasExp) exp = iat + DefaultLifetimeSeconds;

        if (iat > now + Skew) return Fail("The token was issued in the future (iat); check the client's clock.");
        if (exp - iat > MaxLifetimeSeconds) return Fail("The token lives longer than 24 hours (exp - iat).");
        if (exp < now - Skew) return Fail("The token has expired.", "jwt-expired");
        if (claims.TryGetProperty("nbf", out _))
        {
            if (!TryNumber(claims, "nbf", out var nbf)) return Fail("The nbf claim must be a number of seconds.");
            if (nbf > now + Skew) return Fail("The token is not valid yet (nbf).");
        }

        var application = await applications.FindAsync(applicationId, cancellationToken);
        if (application is null) return Fail("No application has the token's application_id.");

        var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (!applications.Verify(application, signingInput, signature))
        {
            return Fail("The token's signature does not match the application's public key.");
        }

        // Claims that only matter once the token is known to be genuine.
        JwtAcl? acl = null;
        if (claims.TryGetProperty("acl", out var aclClaim) && aclClaim.ValueKind != JsonValueKind.Null)
        {
            acl = JwtAcl.Parse(aclClaim, out var aclError);
            if (acl is null) return Fail(aclError!);
        }
        var subject = TryString(claims, "sub", out var sub) ? sub : null;
        return (application, new VerifiedToken(applicationId, jti, exp, application.PublicKey, subject, acl), null);
    }

    private static JsonDocument? ParseSegment(string segment)
    {
        var bytes = DecodeSegment(segment);
        if (bytes is null) return null;
        try
        {
            var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind == JsonValueKind.Object) return document;
            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[]? DecodeSegment(string segment)
    {
        try
        {
            return System.Buffers.Text.Base64Url.DecodeFromChars(segment);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static bool TryString(JsonElement claims, string name, out string value)
    {
        value = claims.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String ? element.GetString()! : string.Empty;
        return value.Length > 0;
    }

    private static bool TryNumber(JsonElement claims, string name, out long value)
    {
        value = 0;
        if (!claims.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.Number) return false;
        if (element.TryGetInt64(out value)) return true;
        if (element.TryGetDouble(out var d) && double.IsFinite(d)) { value = (long)d; return true; }
        return false;
    }
}
