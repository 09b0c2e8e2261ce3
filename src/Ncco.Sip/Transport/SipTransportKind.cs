namespace Ncco.Sip.Transport;

/// <summary>The transports this stack speaks.</summary>
public enum SipTransportKind
{
    /// <summary>UDP: unreliable, the transaction layer retransmits.</summary>
    Udp,
    /// <summary>TCP: reliable stream framed by Content-Length.</summary>
    Tcp,
    /// <summary>TLS over TCP (sips: or ;transport=tls).</summary>
    Tls,
}

/// <summary>Helpers for <see cref="SipTransportKind"/>.</summary>
public static class SipTransportKinds
{
    /// <summary>The token used in Via and in ;transport= (upper case for Via).</summary>
    public static string ViaToken(this SipTransportKind kind) => kind switch
    {
        SipTransportKind.Tcp => "TCP",
        SipTransportKind.Tls => "TLS",
        _ => "UDP",
    };

    /// <summary>True for stream transports, where the transaction layer does not retransmit.</summary>
    public static bool IsReliable(this SipTransportKind kind) => kind != SipTransportKind.Udp;

    /// <summary>The default port (5060, or 5061 for TLS).</summary>
    public static int DefaultPort(this SipTransportKind kind) => kind == SipTransportKind.Tls ? 5061 : 5060;

    /// <summary>Parses a Via transport token.</summary>
    public static SipTransportKind? FromToken(string token) => token.ToUpperInvariant() switch
    {
        "UDP" => SipTransportKind.Udp,
        "TCP" => SipTransportKind.Tcp,
        "TLS" => SipTransportKind.Tls,
        _ => null,
    };
}
