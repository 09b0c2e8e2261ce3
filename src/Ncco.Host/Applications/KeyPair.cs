using System.Security.Cryptography;

namespace Ncco.Host.Applications;

/// <summary>RSA key pairs for applications, in the PEM forms the Vonage SDKs read (PKCS#8 private, SPKI public).</summary>
/// <param name="PublicKeyPem">The public key (<c>-----BEGIN PUBLIC KEY-----</c>).</param>
/// <param name="PrivateKeyPem">The private key (<c>-----BEGIN PRIVATE KEY-----</c>), returned to the client once.</param>
public sealed record KeyPair(string PublicKeyPem, string PrivateKeyPem)
{
    /// <summary>Generates a 2048-bit pair.</summary>
    public static KeyPair Generate()
    {
        using var rsa = RSA.Create(2048);
        return new KeyPair(rsa.ExportSubjectPublicKeyInfoPem(), rsa.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>True when <paramref name="pem"/> holds an RSA public key (never a private one) of at least 2048 bits.</summary>
    public static bool IsRsaPublicKey(string pem)
    {
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] is not ("PUBLIC KEY" or "RSA PUBLIC KEY")) return false;
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return rsa.KeySize >= 2048;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return false;
        }
    }
}
