namespace Ncco.Sip.Transport;

/// <summary>Why a stream connection's read side ended.</summary>
internal enum ReadEnd
{
    /// <summary>The peer closed, or the transport shut down.</summary>
    Closed,

    /// <summary>A socket, TLS or connect failure.</summary>
    Failed,

    /// <summary>Nothing arrived for <see cref="SipTransportLimits.IdleTimeout"/> between messages.</summary>
    Idle,

    /// <summary>A message's headers did not end within <see cref="SipTransportLimits.HeaderReadTimeout"/>.</summary>
    HeaderDeadline,

    /// <summary>A message did not end within <see cref="SipTransportLimits.MessageReadTimeout"/>.</summary>
    MessageDeadline,

    /// <summary>The stream could not be framed any more (bad Content-Length, no end of headers within the size limit).</summary>
    Unframeable,
}
