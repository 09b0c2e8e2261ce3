using System.Net;
using System.Net.Sockets;

namespace Ncco.Sip.Transport;

/// <summary>A UDP socket: one receive loop, synchronous non-blocking sends (a datagram send does not wait on the peer).</summary>
public sealed class UdpSipTransport : ISipTransport
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private ISipTransportSink? _sink;
    private Task _loop = Task.CompletedTask;

    /// <summary>Binds to <paramref name="local"/> (port 0 picks a free port).</summary>
    public UdpSipTransport(IPEndPoint local)
    {
        _socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
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
