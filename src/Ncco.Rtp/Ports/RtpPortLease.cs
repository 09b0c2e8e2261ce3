using System.Net.Sockets;

namespace Ncco.Rtp.Ports;

/// <summary>
/// A bound RTP/RTCP socket pair (even port, port + 1) taken from a <see cref="RtpPortAllocator"/>. Disposing closes the
/// sockets and returns the pair to the allocator. Ownership of the sockets stays with the lease.
/// </summary>
public sealed class RtpPortLease : IDisposable
{
    private readonly RtpPortAllocator _owner;
    private int _disposed;

    internal RtpPortLease(RtpPortAllocator owner, int rtpPort, Socket rtp, Socket rtcp)
    {
        _owner = owner;
        RtpPort = rtpPort;
        RtpSocket = rtp;
        RtcpSocket = rtcp;
    }

    /// <summary>The even RTP port.</summary>
    public int RtpPort { get; }

    /// <summary>The RTCP port (RTP + 1).</summary>
    public int RtcpPort => RtpPort + 1;

    /// <summary>Bound RTP socket.</summary>
    public Socket RtpSocket { get; }

    /// <summary>Bound RTCP socket.</summary>
    public Socket RtcpSocket { get; }

    /// <summary>The allocator's buffers, for the session on these ports to rent its long-lived ones from.</summary>
    internal Sessions.RtpBufferPool Buffers => _owner.Buffers;

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        RtpSocket.Dispose();
        RtcpSocket.Dispose();
        _owner.Release(RtpPort);
    }
}
