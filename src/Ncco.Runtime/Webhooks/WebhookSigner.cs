using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Ncco.Webhooks;

/// <summary>
/// Signed webhooks (reference §2.10): an HS256 JWT with <c>iat</c>, <c>jti</c>, <c>iss: "Vonage"</c>,
/// <c>payload_hash</c> (hex SHA-256 of the raw body), <c>api_key</c> and <c>application_id</c>. Implemented with
/// <see cref="HMACSHA256"/>; no JWT library.
/// </summary>
public static class WebhookSigner
{
    /// <summary>Creates the token for a request body.</summary>
    public static string CreateToken(string secret, ReadOnlySpan<byte> body, DateTimeOffset issuedAt, string jti, string apiKey, string? applicationId)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var header = """{"alg":"HS256","typ":"JWT"}"""u8.ToArray();
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
            w.WriteString("jti", jti);
            w.WriteString("iss", "Vonage");
            w.WriteString("payload_hash", PayloadHash(body));
            w.WriteString("api_key", apiKey);
            if (applicationId is not null) w.WriteString("application_id", applicationId);
            w.WriteEndObject();
        }
        var signingInput = Base64Url(header) + "." + Base64Url(buffer.ToArray());
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url(signature);
    }

    /// <summary>Hex SHA-256 of <paramref name="body"/> (lower case).</summary>
    public static string PayloadHash(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>
    /// Verifies a token as a receiving application would: HS256 signature with <paramref name="secret"/> and, when
    /// <paramref name="body"/> is given, that <c>payload_hash</c> matches it. Returns the claims when valid.
    /// </summary>
    public static bool TryVerify(string token, string secret, ReadOnlySpan<byte> body, out JsonElement claims)
    {
        claims = default;
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(secret);
        var parts = token.Split('.');
        if (parts.Length != 3) return false;
        byte[] headerBytes, payloadBytes, signature;
        try
        {
            headerBytes = FromBase64Url(parts[0]);
            payloadBytes = FromBase64Url(parts[1]);
            signature = FromBase64Url(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature)) return false;
        using (var h = JsonDocument.Parse(headerBytes))
        {
            if (!h.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != "HS256") return false;
        }
        using var doc = JsonDocument.Parse(payloadBytes);
        if (doc.RootElement.TryGetProperty("payload_hash", out var hash) && hash.GetString() != PayloadHash(body)) return false;
        claims = doc.RootElement.Clone();
        return true;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string s)
    {
        var t = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(t.PadRight(t.Length + ((4 - (t.Length % 4)) % 4), '='));
    }
}
