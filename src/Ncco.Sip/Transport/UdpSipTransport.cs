using System.Net;
using System.Net.Sockets;

namespace Ncco.Sip.Transport;

/// <summary>A UDP socket: one receive loop, synchronous non-blocking sends (a datagram send does not wait on the peer).</summary>
/// <remarks>
/// The socket asks for a <see cref="DefaultReceiveBufferBytes"/> kernel receive buffer rather than the OS default
/// (208 KB on Linux, where a small datagram costs one to two kilobytes of it): UDP has no flow control, so whatever
/// arrives while the receive loop is busy with earlier datagrams waits there, and once it is full the kernel drops the
/// rest silently, an honest request among them. A burst of a few hundred requests (a trunk after a restart, a flood a
/// legitimate client is caught in) then loses that client's request and it only gets through on its retransmission.
/// The kernel caps the request (Linux: <c>net.core.rmem_max</c>); raise that sysctl to get the whole buffer.
/// </remarks>
public sealed class UdpSipTransport : ISipTransport
{
    /// <summary>The kernel receive buffer asked for when none is given: 4 MiB.</summary>
    public const int DefaultReceiveBufferBytes = 4 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private ISipTransportSink? _sink;
    private Task _loop = Task.CompletedTask;

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
        _loop = Task.Run(() => ReceiveLoopAsync(_stop.Token));
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

    private async Task ReceiveLoopAsync(CancellationToken cancellation)
    {
        var buffer = new byte[65_536];
        EndPoint any = new IPEndPoint(LocalEndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!cancellation.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // ICMP errors surface here on some systems; the socket is still usable.
                continue;
            }
            if (result.ReceivedBytes == 0)
            {
                continue;
            }
            var frame = buffer.AsSpan(0, result.ReceivedBytes).ToArray();
            _sink?.OnFrame(frame, new SipEndPoint(Kind, (IPEndPoint)result.RemoteEndPoint));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
