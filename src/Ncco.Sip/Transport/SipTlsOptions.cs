using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Ncco.Sip.Transport;

/// <summary>TLS settings for the stream transport (RFC 3261 §26.2: sips: and ;transport=tls).</summary>
public sealed record SipTlsOptions
{
    /// <summary>Our certificate, with private key, presented to peers that connect to us (and to servers that ask).</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>
    /// Validates the peer's certificate when we connect out. Null means the platform's default chain and name checks,
    /// which is what a real trunk needs; tests pass a callback that pins their self-signed certificate.
    /// </summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    /// <summary>Host name to present in SNI and check against the server certificate; defaults to the IP address.</summary>
    public string? TargetHost { get; init; }
}
