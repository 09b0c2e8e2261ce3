namespace Ncco.Host.Legs.Sip;

/// <summary>
/// The SIP TLS listener, <c>Ncco:Sip:Tls</c> (<c>sips:</c> and <c>;transport=tls</c>, RFC 3261 §26.2), on the
/// address of <see cref="SipOptions.Listen"/>. Checked at startup by <see cref="SipTlsSettings.From"/>.
/// </summary>
public sealed class SipTlsListenerOptions
{
    /// <summary>Listen for SIP over TLS and place <c>sips:</c> calls. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>The TLS port (0 picks a free one). Default 5061.</summary>
    public int Port { get; set; } = 5061;

    /// <summary>
    /// A PKCS#12 (<c>.pfx</c>/<c>.p12</c>) file holding our certificate and its private key. When empty the host makes
    /// a self-signed certificate for the advertised address at each start: enough for loopback tests, not for phones
    /// that check certificates.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of <see cref="CertificatePath"/> (never logged), if it has one.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// SHA-1 thumbprints (hex) of peer certificates to accept on our outbound <c>sips:</c> calls even though no trusted
    /// authority signed them (a softphone's or a lab trunk's self-signed one). Others must pass the platform's chain
    /// and name checks. Default none.
    /// </summary>
    public List<string> TrustedThumbprints { get; set; } = [];
}
