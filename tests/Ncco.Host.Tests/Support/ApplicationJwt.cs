using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Ncco.Host.Tests.Support;

/// <summary>Mints RS256 application JWTs as the Vonage SDKs do (a fresh jti each time).</summary>
public static class ApplicationJwt
{
    public static string Mint(string applicationId, string privateKeyPem, DateTimeOffset now, TimeSpan? lifetime = null, string? jti = null)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privateKeyPem);
        var iat = now.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["application_id"] = applicationId,
            ["iat"] = iat,
            ["exp"] = iat + (long)(lifetime ?? TimeSpan.FromMinutes(15)).TotalSeconds,
            ["jti"] = jti ?? Guid.NewGuid().ToString(),
        };
        var input = Segment(new { alg = "RS256", typ = "JWT" }) + "." + Segment(claims);
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64Url(signature);
    }

    /// <summary>Signs a token with exactly <paramref name="claimsJson"/> as its payload (acl, sub, odd claims).</summary>
    public static string SignClaims(string privateKeyPem, string claimsJson)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privateKeyPem);
        var input = Segment(new { alg = "RS256", typ = "JWT" }) + "." + Base64Url(Encoding.UTF8.GetBytes(claimsJson));
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return input + "." + Base64Url(signature);
    }

    /// <summary>A token like <see cref="Mint"/>'s with an <c>acl</c> claim (raw JSON) and, optionally, a <c>sub</c>.</summary>
    public static string MintWithAcl(string applicationId, string privateKeyPem, DateTimeOffset now, string aclJson, string? subject = null)
    {
        var iat = now.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["application_id"] = applicationId,
            ["iat"] = iat,
            ["exp"] = iat + 900,
            ["jti"] = Guid.NewGuid().ToString(),
            ["acl"] = JsonDocument.Parse(aclJson).RootElement,
        };
        if (subject is not null) claims["sub"] = subject;
        return SignClaims(privateKeyPem, JsonSerializer.Serialize(claims));
    }

    private static string Segment(object value) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(value));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
