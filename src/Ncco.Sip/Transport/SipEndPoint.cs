using System.Net;

namespace Ncco.Sip.Transport;

/// <summary>A remote or local address together with the transport it is reached by.</summary>
/// <param name="Transport">The transport.</param>
/// <param name="Address">IP address and port.</param>
public sealed record SipEndPoint(SipTransportKind Transport, IPEndPoint Address)
{
    /// <inheritdoc />
    public override string ToString() => $"{Transport.ViaToken()}:{Address}";
}
