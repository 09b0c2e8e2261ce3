namespace Ncco.Sip.Transport;

/// <summary>Per-source and global bounds the transports enforce against floods and slow-loris peers.</summary>
public sealed record SipTransportLimits
{
    /// <summary>Most simultaneous inbound stream connections from one IP address.</summary>
    public int MaxConnectionsPerSource { get; init; } = 16;

    /// <summary>Most stream connections in total.</summary>
    public int MaxConnections { get; init; } = 4096;

    /// <summary>A stream connection that sends nothing for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Bound on a TLS handshake.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Most messages queued for one connection before it is considered stuck and closed.</summary>
    public int MaxQueuedSends { get; init; } = 256;

    /// <summary>The defaults.</summary>
    public static SipTransportLimits Default { get; } = new();
}
