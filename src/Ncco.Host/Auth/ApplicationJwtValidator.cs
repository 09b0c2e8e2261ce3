using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ncco.Host.Applications;

namespace Ncco.Host.Auth;

/// <summary>The outcome of checking an application JWT.</summary>
/// <param name="Application">The authenticated application, when valid.</param>
/// <param name="ErrorKey">The documented error key (<c>unauthorized</c>, <c>jwt-expired</c>) when invalid.</param>
/// <param name="Detail">Why the token was refused, for the error body.</param>
public sealed record JwtValidationResult(Application? Application, string? ErrorKey, string? Detail)
{
    /// <summary>True when the token authenticated an application.</summary>
    public bool IsValid => Application is not null;

    internal static JwtValidationResult Fail(string detail, string key = "unauthorized") => new(null, key, detail);
}

/// <summary>
/// Verifies the RS256 application JWTs of the Voice REST API (reference §4.3): only <c>RS256</c> (so <c>none</c> and
/// HS256-with-the-public-key confusion fail), required <c>application_id</c>, <c>iat</c> and <c>jti</c>, <c>exp</c>
/// defaulting to <c>iat</c> + 15 min, lifetimes over 24 h refused, <c>nbf</c> honoured, a small clock skew allowed,
/// and each <c>jti</c> accepted once within its lifetime.
/// </summary>
public sealed class ApplicationJwtValidator(ApplicationKeyCache applications, JtiReplayCache replay, TimeProvider time)
{
    /// <summary>Clock difference tolerated between the client and this host.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private const long DefaultLifetimeSeconds = 15 * 60;
    private const long MaxLifetimeSeconds = 24 * 60 * 60;

    /// <summary>Checks a bearer token.</summary>
    public async Task<JwtValidationResult> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return JwtValidationResult.Fail("The token is not a JWT (expected three dot-separated parts).");

        using var header = ParseSegment(parts[0]);
        using var payload = ParseSegment(parts[1]);
        var signature = DecodeSegment(parts[2]);
        if (header is null || payload is null || signature is null) return JwtValidationResult.Fail("The token is not valid base64url-encoded JSON.");

        if (!header.RootElement.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || !alg.ValueEquals("RS256"))
        {
            return JwtValidationResult.Fail("Application JWTs must be signed with RS256.");
        }

        var claims = payload.RootElement;
        if (!TryString(claims, "application_id", out var applicationId)) return JwtValidationResult.Fail("The token has no application_id claim.");
        if (!TryString(claims, "jti", out var jti)) return JwtValidationResult.Fail("The token has no jti claim.");
        if (!TryNumber(claims, "iat", out var iat)) return JwtValidationResult.Fail("The token has no numeric iat claim.");
        var hasExp = claims.TryGetProperty("exp", out _);
        if (hasExp && !TryNumber(claims, "exp", out _)) return JwtValidationResult.Fail("The exp claim must be a number of seconds.");
        TryNumber(claims, "exp", out var exp);
        if (!hasExp) exp = iat + DefaultLifetimeSeconds;

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)ClockSkew.TotalSeconds;
        if (iat > now + skew) return JwtValidationResult.Fail("The token was issued in the future (iat); check the client's clock.");
        if (exp - iat > MaxLifetimeSeconds) return JwtValidationResult.Fail("The token lives longer than 24 hours (exp - iat).");
        if (exp < now - skew) return JwtValidationResult.Fail("The token has expired.", "jwt-expired");
        if (claims.TryGetProperty("nbf", out _))
        {
            if (!TryNumber(claims, "nbf", out var nbf)) return JwtValidationResult.Fail("The nbf claim must be a number of seconds.");
            if (nbf > now + skew) return JwtValidationResult.Fail("The token is not valid yet (nbf).");
        }

        var application = await applications.FindAsync(applicationId, cancellationToken);
        if (application is null) return JwtValidationResult.Fail("No application has the token's application_id.");

        var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (!applications.Verify(application, signingInput, signature))
        {
            return JwtValidationResult.Fail("The token's signature does not match the application's public key.");
        }

        if (!replay.TryRecord(applicationId, jti, exp)) return JwtValidationResult.Fail("The token was already used (replayed jti).");
        return new JwtValidationResult(application, null, null);
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
