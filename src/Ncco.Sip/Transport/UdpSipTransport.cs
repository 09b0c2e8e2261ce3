using System.Net;
using System.Net.Sockets;

namespace Ncco.Sip.Transport;

/// <summary>
/// A UDP socket: one receive loop on a thread of its own, synchronous non-blocking sends (a datagram send does not wait
/// on the peer).
/// </summary>
/// <remarks>
/// <para>
/// The receive loop is a dedicated thread, not an awaited receive whose every completion is queued to the thread pool:
/// under a burst of call setup the pool's queue holds hundreds of items (webhook continuations, VM and timer work), and
/// a datagram waited behind all of them before it was even parsed — at 200 new calls a second on a loaded two-core
/// machine the 100 Trying went out 2.1 s (p50) after the INVITE, past the caller's 500 ms retransmission timer, so every
/// INVITE arrived twice or more and added to the backlog. On its own thread every datagram is parsed and handed to the
/// transaction layer as it arrives: the 100 Trying, absorbed retransmissions, the ACK and the answer to a BYE do not
/// wait for call-setup work. The sink must not block (it hands anything slow off). The loop waits with <c>poll</c> (up to
/// 250 ms, then it looks for a stop request), so an idle transport throws nothing.
/// </para>
/// <para>
/// The socket asks for a <see cref="DefaultReceiveBufferBytes"/> kernel receive buffer rather than the OS default
/// (208 KB on Linux, where a small datagram costs one to two kilobytes of it): UDP has no flow control, so whatever
/// arrives while the receive loop is busy with earlier datagrams waits there, and once it is full the kernel drops the
/// rest silently, an honest request among them. A burst of a few hundred requests (a trunk after a restart, a flood a
/// legitimate client is caught in) then loses that client's request and it only gets through on its retransmission.
/// The kernel caps the request (Linux: <c>net.core.rmem_max</c>); raise that sysctl to get the whole buffer.
/// </para>
/// </remarks>
public sealed class UdpSipTransport : ISipTransport
{
    /// <summary>The kernel receive buffer asked for when none is given: 4 MiB.</summary>
    public const int DefaultReceiveBufferBytes = 4 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private ISipTransportSink? _sink;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Thread? _thread;

    /// <summary>How often the idle receive loop wakes to look for a stop request.</summary>
    private static readonly TimeSpan StopPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>Binds to <paramref name="local"/> (port 0 picks a free port).</summary>
    /// <param name="local">The address and port to bind.</param>
    /// <param name="receiveBufferBytes">
    /// The kernel receive buffer to ask for (<see cref="DefaultReceiveBufferBytes"/> when null); never less than the OS
    /// default. <see cref="ReceiveBufferBytes"/> says what the kernel granted.
    /// </param>
    public UdpSipTransport(IPEndPoint local, int? receiveBufferBytes = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(receiveBufferBytes ?? DefaultReceiveBufferBytes, nameof(receiveBufferBytes));
        _socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var wanted = receiveBufferBytes ?? DefaultReceiveBufferBytes;
        if (wanted > _socket.ReceiveBufferSize)
        {
            _socket.ReceiveBufferSize = wanted;
        }
        if (OperatingSystem.IsWindows())
        {
            // Without this an ICMP port-unreachable from one peer makes the next ReceiveFrom throw on Windows.
            _socket.IOControl(-1744830452, [0], null);
        }
        _socket.Bind(local);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    /// <inheritdoc />
    public SipTransportKind Kind => SipTransportKind.Udp;

    /// <summary>The kernel receive buffer the socket has (what the OS granted of the request, as it reports it).</summary>
    public int ReceiveBufferBytes => _socket.ReceiveBufferSize;

    /// <inheritdoc />
    public IPEndPoint LocalEndPoint { get; }

    /// <inheritdoc />
    public void Start(ISipTransportSink sink)
    {
        _sink = sink;
        _thread = new Thread(ReceiveLoop) { IsBackground = true, Name = "SIP UDP " + LocalEndPoint.Port };
        _thread.Start();
    }

    /// <inheritdoc />
    public void Send(ReadOnlyMemory<byte> data, IPEndPoint remote)
    {
        try
        {
            _socket.SendTo(data.Span, SocketFlags.None, remote);
        }
        catch (SocketException error)
        {
            _sink?.OnTransportError(new SipEndPoint(Kind, remote), error);
        }
        catch (ObjectDisposedException)
        {
            // Shutting down: nothing left to report to.
        }
    }

    private void ReceiveLoop()
    {
        try
        {
            var buffer = new byte[65_536];
            var any = new IPEndPoint(LocalEndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
            while (!_stop.IsCancellationRequested)
            {
                EndPoint remote = any;
                int received;
                try
                {
                    // Waits for a datagram without an exception when none comes (a receive timeout would throw one every
                    // wake-up of an idle loop), then reads it without blocking.
                    if (!_socket.Poll(StopPoll, SelectMode.SelectRead))
                    {
                        continue;
                    }
                    received = _socket.ReceiveFrom(buffer, SocketFlags.None, ref remote);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException)
                {
                    // An ICMP error surfacing here on some systems, or the socket closed under the wait: the loop looks for
                    // a stop request and goes on.
                    continue;
                }
                if (received == 0)
                {
                    continue;
                }
                var frame = buffer.AsSpan(0, received).ToArray();
                try
                {
                    _sink?.OnFrame(frame, new SipEndPoint(Kind, (IPEndPoint)remote));
                }
                catch (Exception defect) when (defect is not OutOfMemoryException)
                {
                    // The transport layer counts and logs its own handlers' defects; one that escapes it must still not end
                    // the loop every peer depends on (on a thread of its own it would end the process).
                    continue;
                }
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        if (_thread is not null)
        {
            // The loop ends at its next wake-up at the latest (the poll's bound).
            await _stopped.Task.ConfigureAwait(false);
        }
        _stop.Dispose();
    }
}
