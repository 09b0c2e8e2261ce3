using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ncco.Webhooks;

namespace Ncco.Runtime.Tests.Webhooks;

/// <summary>
/// The webhook JWT is built in pooled buffers (issue 19: it was the largest allocator of call setup); it must stay the
/// same token a receiving application verifies, byte for byte what a straightforward encoding gives.
/// </summary>
public class WebhookSignerTests
{
    private static readonly DateTimeOffset IssuedAt = new(2026, 12, 7, 16, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("s3cr3t-signature", "app-1")]
    [InlineData("a secret with ünïcödé and \"quotes\"", null)]
    [InlineData("s", "an application id far longer than the claims buffer starts at, so that it grows while the writer writes: 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789")]
    public void The_token_is_the_straightforward_HS256_encoding_of_the_claims(string secret, string? applicationId)
    {
        var body = """{"status":"answered"}"""u8.ToArray();

        var token = WebhookSigner.CreateToken(secret, body, IssuedAt, "jti-1 <é>", "key-1", applicationId);

        Assert.Equal(Reference(secret, body, IssuedAt, "jti-1 <é>", "key-1", applicationId), token);
        Assert.True(WebhookSigner.TryVerify(token, secret, body, out var claims));
        Assert.Equal("jti-1 <é>", claims.GetProperty("jti").GetString());
        Assert.Equal(IssuedAt.ToUnixTimeSeconds(), claims.GetProperty("iat").GetInt64());
        Assert.Equal(applicationId is not null, claims.TryGetProperty("application_id", out _));
        Assert.False(WebhookSigner.TryVerify(token, secret + "x", body, out _));
    }

    [Fact]
    public void A_secret_longer_than_the_stack_buffer_signs_the_same_way()
    {
        var secret = new string('k', 300) + "é";
        var body = "x"u8.ToArray();

        var token = WebhookSigner.CreateToken(secret, body, IssuedAt, "j", "key-1", "app-1");

        Assert.Equal(Reference(secret, body, IssuedAt, "j", "key-1", "app-1"), token);
    }

    [Fact]
    public void The_prefixed_token_is_the_prefix_and_the_token()
    {
        var body = """{"to":"447700900000"}"""u8.ToArray();

        var bearer = WebhookSigner.CreateToken("s3cr3t-signature", body, IssuedAt, "jti-2", "key-1", "app-1", "Bearer "u8);

        Assert.Equal("Bearer " + WebhookSigner.CreateToken("s3cr3t-signature", body, IssuedAt, "jti-2", "key-1", "app-1"), bearer);
    }

    [Fact]
    public void Signing_allocates_little_beyond_the_token_string()
    {
        var body = new byte[400];
        var token = WebhookSigner.CreateToken("s3cr3t-signature", body, IssuedAt, "0f8fad5b-d9cb-469f-a165-70867728950e", "key-1", "app-1", "Bearer "u8);
        const int Rounds = 20;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Rounds; i++)
        {
            WebhookSigner.CreateToken("s3cr3t-signature", body, IssuedAt, "0f8fad5b-d9cb-469f-a165-70867728950e", "key-1", "app-1", "Bearer "u8);
        }
        var perToken = (GC.GetAllocatedBytesForCurrentThread() - before) / Rounds;

        // The string (two bytes a character) and the JSON writer; before: ≈ 6 KB of arrays and strings per token.
        var tokenBytes = 22 + (2 * token.Length);
        Assert.True(perToken <= tokenBytes + 400, $"{perToken} bytes allocated for a {token.Length}-character token");
    }

    private static string Reference(string secret, byte[] body, DateTimeOffset issuedAt, string jti, string apiKey, string? applicationId)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
            w.WriteString("jti", jti);
            w.WriteString("iss", "Vonage");
            w.WriteString("payload_hash", Convert.ToHexStringLower(SHA256.HashData(body)));
            w.WriteString("api_key", apiKey);
            if (applicationId is not null) w.WriteString("application_id", applicationId);
            w.WriteEndObject();
        }
        var input = B64("""{"alg":"HS256","typ":"JWT"}"""u8.ToArray()) + "." + B64(buffer.ToArray());
        return input + "." + B64(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(input)));
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
