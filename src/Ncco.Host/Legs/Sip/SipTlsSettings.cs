using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ncco.Sip.Transport;

namespace Ncco.Host.Legs.Sip;

/// <summary><see cref="SipTlsListenerOptions"/> checked at startup, with the certificate loaded (or made).</summary>
/// <param name="Port">The TLS port.</param>
/// <param name="Certificate">Our certificate with its private key.</param>
/// <param name="TrustedThumbprints">Peer certificates accepted without a trusted chain (upper-case hex).</param>
/// <param name="SelfSigned">True when the certificate was made at start.</param>
internal sealed record SipTlsSettings(int Port, X509Certificate2 Certificate, IReadOnlySet<string> TrustedThumbprints, bool SelfSigned)
{
    /// <summary>How long a certificate made at start is valid: long enough for any process lifetime we expect.</summary>
    private static readonly TimeSpan SelfSignedLifetime = TimeSpan.FromDays(365);

    /// <summary>The stack's TLS options: our certificate, and the platform's checks or a listed thumbprint for peers.</summary>
    public SipTlsOptions ToStackOptions() => new()
    {
        Certificate = Certificate,
        ServerCertificateValidation = (_, certificate, _, errors) =>
            errors == SslPolicyErrors.None || (certificate is not null && TrustedThumbprints.Contains(certificate.GetCertHashString())),
    };

    /// <summary>Checks <c>Ncco:Sip:Tls</c>; null when TLS is off. Errors name the setting, never the password.</summary>
    public static SipTlsSettings? From(SipTlsListenerOptions? options, string advertisedAddress, TimeProvider time)
    {
        if (options is not { Enabled: true }) return null;
        if (options.Port is < 0 or > 65535) throw SipSettings.Bad("Tls:Port", options.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be a port from 0 to 65535");
        var thumbprints = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var thumbprint in options.TrustedThumbprints ?? [])
        {
            var text = (thumbprint ?? "").Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
            if (text.Length != 40 || !text.All(char.IsAsciiHexDigit)) throw SipSettings.Bad("Tls:TrustedThumbprints", thumbprint, "each must be a SHA-1 thumbprint (40 hex digits)");
            thumbprints.Add(text);
        }
        if (string.IsNullOrWhiteSpace(options.CertificatePath))
            return new SipTlsSettings(options.Port, MakeSelfSigned(advertisedAddress, time), thumbprints, true);
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw SipSettings.Bad("Tls:CertificatePath", options.CertificatePath, $"must be a readable PKCS#12 file that opens with Tls:CertificatePassword ({e.GetType().Name})");
        }
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw SipSettings.Bad("Tls:CertificatePath", options.CertificatePath, "must hold the certificate's private key");
        }
        return new SipTlsSettings(options.Port, certificate, thumbprints, false);
    }

    private static X509Certificate2 MakeSelfSigned(string advertisedAddress, TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={(IPAddress.TryParse(advertisedAddress, out _) ? "ncco" : advertisedAddress)}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(advertisedAddress, out var address)) names.AddIpAddress(address);
        else names.AddDnsName(advertisedAddress);
        request.CertificateExtensions.Add(names.Build());
        var now = time.GetUtcNow();
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now + SelfSignedLifetime);
        // Round-tripped through PKCS#12 so SslStream can use the private key on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
