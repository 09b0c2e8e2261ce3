using System.Net;
using System.Net.Sockets;

namespace Ncco.Rtp.Ports;

/// <summary>
/// Hands out RTP/RTCP port pairs from a range, never the same pair twice while leased; a pair whose ports another
/// process holds is skipped. Allocation walks the range round-robin from where the last one stopped, so a pair just
/// freed is reused last (late packets of an old call do not land in a new one). Thread-safe.
/// </summary>
public sealed class RtpPortAllocator
{
    private readonly RtpPortRange _range;
    private readonly IPAddress _bindAddress;
    private readonly HashSet<int> _leased = [];
    private readonly Lock _gate = new();
    private int _next;

    /// <summary>Creates an allocator binding to <paramref name="bindAddress"/> (e.g. <see cref="IPAddress.Any"/>).</summary>
    public RtpPortAllocator(RtpPortRange range, IPAddress bindAddress)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(bindAddress);
        range.Validate();
        _range = range;
        _bindAddress = bindAddress;
    }

    /// <summary>
    /// Buffers the sessions on this allocator's ports keep all call long, reused from call to call
    /// (<see cref="Sessions.RtpBufferPool"/>): one pool per port range, so per process in the host.
    /// </summary>
    internal Sessions.RtpBufferPool Buffers { get; } = new();

    /// <summary>Pairs currently leased.</summary>
    public int LeasedCount
    {
        get
        {
            lock (_gate)
            {
                return _leased.Count;
            }
        }
    }

    /// <summary>Binds the next free pair.</summary>
    /// <exception cref="InvalidOperationException">Every pair is leased or held by another process.</exception>
    public RtpPortLease Allocate()
    {
        lock (_gate)
        {
            for (var attempt = 0; attempt < _range.PairCount; attempt++)
            {
                var port = _range.EvenFirst + (2 * _next);
                _next = (_next + 1) % _range.PairCount;
                if (_leased.Contains(port))
                {
                    continue;
                }
                var rtp = TryBind(port);
                if (rtp is null)
                {
                    continue;
                }
                var rtcp = TryBind(port + 1);
                if (rtcp is null)
                {
                    rtp.Dispose();
                    continue;
                }
                _leased.Add(port);
                return new RtpPortLease(this, port, rtp, rtcp);
            }
        }
        throw new InvalidOperationException($"no free RTP port pair in {_range.First}-{_range.Last} ({LeasedCount} leased)");
    }

    internal void Release(int rtpPort)
    {
        lock (_gate)
        {
            _leased.Remove(rtpPort);
        }
    }

    private Socket? TryBind(int port)
    {
        var socket = new Socket(_bindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(_bindAddress, port));
            return socket;
        }
        catch (SocketException)
        {
            // Held by another process (or a previous socket in TIME_WAIT-like state): try the next pair.
            socket.Dispose();
            return null;
        }
    }
}
