using System.Net;
using System.Net.Sockets;
using Ncco.Sip.Parsing;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Tests.Transport;

/// <summary>
/// Issue 16 (SIP mutation fuzz): a burst of datagrams that arrives while the receive loop is busy waits in the socket's
/// kernel buffer. With the OS default (208 KB on Linux, about 166 datagrams of 500 bytes) the fuzz's bursts overflowed it
/// and the kernel silently dropped a clean OPTIONS among them, which looked like the host had stopped answering.
/// </summary>
public sealed class UdpBurstTests
{
    private const int Burst = 250;
    private const int DatagramBytes = 500;

    [Fact]
    public async Task Udp_transport_asks_for_a_receive_buffer_larger_than_the_os_default()
    {
        using var plain = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await using var transport = new UdpSipTransport(new IPEndPoint(IPAddress.Loopback, 0));

        Assert.True(transport.ReceiveBufferBytes > plain.ReceiveBufferSize,
            $"receive buffer {transport.ReceiveBufferBytes} is not above the OS default {plain.ReceiveBufferSize}");
    }

    [Fact]
    public async Task A_burst_that_arrives_while_the_receive_loop_is_busy_is_delivered_whole()
    {
        await using var transport = new UdpSipTransport(new IPEndPoint(IPAddress.Loopback, 0));
        using var sink = new BlockingSink();
        transport.Start(sink);
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var datagram = new byte[DatagramBytes];
        Array.Fill(datagram, (byte)'x');

        // The first datagram holds the receive loop in the sink, so the rest of the burst piles up in the kernel buffer.
        for (var i = 0; i < Burst; i++)
        {
            datagram[0] = (byte)('A' + (i % 26));
            sender.SendTo(datagram, transport.LocalEndPoint);
        }
        sink.Release();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (sink.Count < Burst && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }
        Assert.Equal(Burst, sink.Count);
    }

    private sealed class BlockingSink : ISipTransportSink, IDisposable
    {
        private readonly ManualResetEventSlim _released = new();
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Release() => _released.Set();

        public void OnFrame(byte[] frame, SipEndPoint source)
        {
            Interlocked.Increment(ref _count);
            _released.Wait(TimeSpan.FromSeconds(10));
        }

        public void OnUnframeable(byte[] head, SipParseException error, SipEndPoint source)
        {
        }

        public void OnTransportError(SipEndPoint remote, Exception error)
        {
        }

        public void Dispose() => _released.Dispose();
    }
}
