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

    private static string Segment(object value) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(value));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
