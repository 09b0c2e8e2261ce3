namespace Ncco.Sip.Transport;

/// <summary>Per-source and global bounds the transports enforce against floods and slow-loris peers.</summary>
/// <remarks>
/// <para>
/// A stream connection is held to three clocks. <see cref="IdleTimeout"/> bounds silence between messages (phones keep
/// TCP connections open for minutes between calls). <see cref="HeaderReadTimeout"/> and <see cref="MessageReadTimeout"/>
/// bound one message: both start at the message's first byte (for a connection we accepted, at the accept, so a peer that
/// connects and says nothing holds the slot for the header deadline, not the idle timeout) and do not restart on each
/// read. A peer trickling a byte a second therefore loses the connection at the header deadline however steadily it
/// sends, and the per-source slot it held is free again.
/// </para>
/// <para>
/// The defaults follow what a SIP message needs on a slow link (a few kilobytes, 64 KB at most) with a wide margin, in
/// the spirit of Kestrel's 30 s request-headers timeout, shorter because SIP heads are small.
/// </para>
/// </remarks>
public sealed record SipTransportLimits
{
    /// <summary>Most simultaneous inbound stream connections from one IP address.</summary>
    public int MaxConnectionsPerSource { get; init; } = 16;

    /// <summary>Most stream connections in total.</summary>
    public int MaxConnections { get; init; } = 4096;

    /// <summary>A stream connection that sends nothing for this long between messages is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Longest time from a message's first byte (or, for the first message of an accepted connection, from the accept) to
    /// the blank line that ends its headers. A connection that misses it is closed. Default 10 s.
    /// </summary>
    public TimeSpan HeaderReadTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Longest time from a message's first byte to its last body byte (Content-Length). A connection that misses it is
    /// closed. Default 30 s.
    /// </summary>
    public TimeSpan MessageReadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Bound on a TLS handshake.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Most messages queued for one connection before it is considered stuck and closed.</summary>
    public int MaxQueuedSends { get; init; } = 256;

    /// <summary>The defaults.</summary>
    public static SipTransportLimits Default { get; } = new();
}
