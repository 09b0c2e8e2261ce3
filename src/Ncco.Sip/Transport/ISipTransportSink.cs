namespace Ncco.Sip.Transport;

/// <summary>Where a transport hands what it receives. Called from the transport's receive loop; must not block.</summary>
public interface ISipTransportSink
{
    /// <summary>One whole message (a datagram or a stream frame) arrived from <paramref name="source"/>.</summary>
    void OnFrame(byte[] frame, SipEndPoint source);

    /// <summary>Sending to <paramref name="remote"/> failed (connection refused or closed, ICMP unreachable).</summary>
    void OnTransportError(SipEndPoint remote, Exception error);
}
