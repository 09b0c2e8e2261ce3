using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ncco.Serialization;

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
        => CreateToken(secret, body, issuedAt, jti, apiKey, applicationId, prefix: default);

    /// <summary>
    /// The token with <paramref name="prefix"/> (ASCII, e.g. <c>"Bearer "</c>) in front of it, built in pooled buffers
    /// and allocated once as the returned string: a webhook is signed per attempt, several per call, and building the
    /// token from intermediate arrays and strings was the largest allocator of call setup (issue 19).
    /// </summary>
    internal static string CreateToken(string secret, ReadOnlySpan<byte> body, DateTimeOffset issuedAt, string jti, string apiKey,
        string? applicationId, ReadOnlySpan<byte> prefix)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(jti);
        ArgumentNullException.ThrowIfNull(apiKey);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, hash);
        Span<byte> hashHex = stackalloc byte[SHA256.HashSizeInBytes * 2];
        Convert.TryToHexStringLower(hash, hashHex, out _);
        using var claims = new PooledByteWriter(256);
        using (var w = new Utf8JsonWriter(claims))
        {
            w.WriteStartObject();
            w.WriteNumber("iat"u8, issuedAt.ToUnixTimeSeconds());
            w.WriteString("jti"u8, jti);
            w.WriteString("iss"u8, "Vonage"u8);
            w.WriteString("payload_hash"u8, hashHex);
            w.WriteString("api_key"u8, apiKey);
            if (applicationId is not null) w.WriteString("application_id"u8, applicationId);
            w.WriteEndObject();
        }
        var signingLength = HeaderBase64Url.Length + 1 + Base64Url.GetEncodedLength(claims.WrittenSpan.Length);
        var total = prefix.Length + signingLength + 1 + Base64Url.GetEncodedLength(HMACSHA256.HashSizeInBytes);
        var pool = ArrayPool<byte>.Shared;
        var token = pool.Rent(total);
        try
        {
            prefix.CopyTo(token);
            var signingInput = token.AsSpan(prefix.Length, signingLength);
            HeaderBase64Url.CopyTo(signingInput);
            signingInput[HeaderBase64Url.Length] = (byte)'.';
            Base64Url.EncodeToUtf8(claims.WrittenSpan, signingInput[(HeaderBase64Url.Length + 1)..]);
            Span<byte> signature = stackalloc byte[HMACSHA256.HashSizeInBytes];
            var keyLength = Encoding.UTF8.GetByteCount(secret);
            var rentedKey = keyLength > 256 ? pool.Rent(keyLength) : null;
            Span<byte> key = rentedKey is null ? stackalloc byte[keyLength] : rentedKey.AsSpan(0, keyLength);
            try
            {
                Encoding.UTF8.GetBytes(secret, key);
                HMACSHA256.HashData(key, signingInput, signature);
            }
            finally
            {
                // The secret's bytes do not stay behind in a shared pool or on the stack.
                CryptographicOperations.ZeroMemory(key);
                if (rentedKey is not null) pool.Return(rentedKey);
            }
            var end = prefix.Length + signingLength;
            token[end] = (byte)'.';
            Base64Url.EncodeToUtf8(signature, token.AsSpan(end + 1));
            return Encoding.ASCII.GetString(token, 0, total);
        }
        finally
        {
            pool.Return(token);
        }
    }

    // base64url of {"alg":"HS256","typ":"JWT"}: the same header on every token.
    private static ReadOnlySpan<byte> HeaderBase64Url => "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"u8;

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

    private static byte[] FromBase64Url(string s)
    {
        var t = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(t.PadRight(t.Length + ((4 - (t.Length % 4)) % 4), '='));
    }
}
