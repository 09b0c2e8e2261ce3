using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Ncco.Host.Operations;

/// <summary>
/// Mints the RS256 application JWTs the Voice REST API accepts (reference §4.3), the way the Vonage SDKs do:
/// <c>application_id</c>, <c>iat</c>, a unique <c>jti</c> and <c>exp</c>. For <c>ncco token</c>, the load bench and tests;
/// a production client would use its Vonage SDK.
/// </summary>
public static class ApplicationJwtIssuer
{
    /// <summary>The lifetime the SDKs give their tokens: 15 minutes.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(15);

    private static readonly string[] ClientSdkAclPaths =
        ["/*/users/**", "/*/conversations/**", "/*/sessions/**", "/*/devices/**", "/*/image/**", "/*/media/**", "/*/applications/**", "/*/push/**", "/*/knocking/**", "/*/legs/**"];

    /// <summary>
    /// Signs a token with the PEM private key (PKCS#8 or PKCS#1) <paramref name="privateKeyPem"/>; with
    /// <paramref name="subject"/> it is a user JWT (<c>sub</c> and the Client SDK <c>acl</c>), as the browser phone takes.
    /// </summary>
    /// <exception cref="ArgumentException">The PEM holds no RSA private key.</exception>
    public static string Create(string privateKeyPem, string applicationId, DateTimeOffset issuedAt, TimeSpan? lifetime = null, string? jti = null, string? subject = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(privateKeyPem);
        const string NotAPrivateKey = "The key is not a PEM RSA private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----).";
        // A public key imports fine and only fails when signing, with an OpenSSL message; say what is wrong instead.
        if (!PemEncoding.TryFind(privateKeyPem, out var fields) || privateKeyPem[fields.Label] is not ("PRIVATE KEY" or "RSA PRIVATE KEY"))
        {
            throw new ArgumentException(NotAPrivateKey, nameof(privateKeyPem));
        }
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(privateKeyPem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new ArgumentException(NotAPrivateKey, nameof(privateKeyPem), e);
        }
        return Create(rsa, applicationId, issuedAt, lifetime, jti, subject);
    }

    /// <summary>Signs a token with <paramref name="privateKey"/> (which must hold the private part); <paramref name="subject"/> makes it a user JWT.</summary>
    public static string Create(RSA privateKey, string applicationId, DateTimeOffset issuedAt, TimeSpan? lifetime = null, string? jti = null, string? subject = null)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        ArgumentException.ThrowIfNullOrEmpty(applicationId);
        var iat = issuedAt.ToUnixTimeSeconds();
        var exp = iat + (long)(lifetime ?? DefaultLifetime).TotalSeconds;

        var header = Base64Url.EncodeToString("""{"alg":"RS256","typ":"JWT"}"""u8);
        var payload = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(payload))
        {
            json.WriteStartObject();
            json.WriteString("application_id", applicationId);
            json.WriteNumber("iat", iat);
            json.WriteString("jti", jti ?? Guid.NewGuid().ToString());
            json.WriteNumber("exp", exp);
            if (subject is not null)
            {
                json.WriteString("sub", subject);
                // The paths Vonage's Client SDK user tokens carry (reference §4.3); the phone needs /*/sessions/** and /*/knocking/**.
                json.WriteStartObject("acl");
                json.WriteStartObject("paths");
                foreach (var path in ClientSdkAclPaths)
                {
                    json.WriteStartObject(path);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        var signingInput = header + "." + Base64Url.EncodeToString(payload.WrittenSpan);
        var signature = privateKey.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
