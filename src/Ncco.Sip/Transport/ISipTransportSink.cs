namespace Ncco.Sip.Transport;

/// <summary>Where a transport hands what it receives. Called from the transport's receive loop; must not block.</summary>
public interface ISipTransportSink
{
    /// <summary>One whole message (a datagram or a stream frame) arrived from <paramref name="source"/>.</summary>
    void OnFrame(byte[] frame, SipEndPoint source);

    /// <summary>
    /// A stream connection from <paramref name="source"/> could not be framed any more (<paramref name="error"/>: a bad
    /// Content-Length, no end of headers within the size limit). <paramref name="head"/> is what was buffered of the
    /// offending message's header section. The connection closes once what the sink sends in reply has been written.
    /// </summary>
    void OnUnframeable(byte[] head, Parsing.SipParseException error, SipEndPoint source);

    /// <summary>Sending to <paramref name="remote"/> failed (connection refused or closed, ICMP unreachable).</summary>
    void OnTransportError(SipEndPoint remote, Exception error);
}
