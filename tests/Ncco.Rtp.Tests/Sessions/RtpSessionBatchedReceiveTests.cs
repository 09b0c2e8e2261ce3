using System.Net;
using System.Net.Sockets;
using Ncco.Rtp.Packets;
using Ncco.Rtp.Ports;
using Ncco.Rtp.Sessions;
using Ncco.Rtp.Tests.Support;

namespace Ncco.Rtp.Tests.Sessions;

/// <summary>
/// <see cref="RtpSessionOptions.ReceiveOnRead"/> with direct socket calls takes up to two datagrams per system call
/// (<c>recvmmsg</c>, <see cref="NativeDatagram.ReceiveMany"/>): a read still takes everything waiting up to
/// <see cref="RtpSession.MaxDatagramsPerRead"/>, each datagram with its own source, and leaves the rest for the next read.
/// </summary>
public sealed class RtpSessionBatchedReceiveTests
{
    private static readonly RtpPortAllocator Ports = new(new RtpPortRange(43400, 43499), IPAddress.Loopback);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_read_takes_at_most_the_per_read_limit_and_the_next_read_the_rest(bool direct)
    {
        using var peer = new RawPeer();
        await using var session = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMA", RemoteRtp = peer.RtpEndPoint, ReceiveOnRead = true, DirectSocketCalls = direct });
        session.Start();
        var payload = new byte[160];
        var burst = RtpSession.MaxDatagramsPerRead + 5;
        // Loopback queues each datagram on the session's socket before SendTo returns.
        for (var i = 0; i < burst; i++) peer.SendRtp(session.LocalRtpPort, 8, (ushort)(100 + i), (uint)(i * 160), 77, payload);
        var frame = new short[160];

        session.ReadFrame(frame);
        Assert.Equal(RtpSession.MaxDatagramsPerRead, session.Statistics.PacketsReceived);
        session.ReadFrame(frame);
        Assert.Equal(burst, session.Statistics.PacketsReceived);
        session.ReadFrame(frame);
        Assert.Equal(burst, session.Statistics.PacketsReceived);
        Assert.Equal(0, session.Statistics.Stray);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task An_odd_or_even_number_waiting_is_all_taken_in_one_read(int waiting)
    {
        using var peer = new RawPeer();
        await using var session = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMA", RemoteRtp = peer.RtpEndPoint, ReceiveOnRead = true, DirectSocketCalls = true });
        session.Start();
        for (var i = 0; i < waiting; i++) peer.SendRtp(session.LocalRtpPort, 8, (ushort)(7 + i), (uint)(i * 160), 5, new byte[160]);

        session.ReadFrame(new short[160]);

        Assert.Equal(waiting, session.Statistics.PacketsReceived);
    }

    [Fact]
    public void Receive_many_takes_two_datagrams_with_their_own_sources_in_one_call()
    {
        if (!OperatingSystem.IsLinux()) return; // direct calls exist on Linux only (NativeDatagram.For is null elsewhere)
        using var receiver = Bound();
        using var a = Bound();
        using var b = Bound();
        var native = NativeDatagram.For(receiver)!;
        var to = receiver.LocalEndPoint!;
        a.SendTo(new byte[] { 1, 2, 3 }, to);
        b.SendTo(new byte[] { 4, 5, 6, 7, 8 }, to);
        var first = new byte[RtpPacket.MaxDatagramSize];
        var second = new byte[RtpPacket.MaxDatagramSize];
        var firstFrom = new SocketAddress(AddressFamily.InterNetwork);
        var secondFrom = new SocketAddress(AddressFamily.InterNetwork);

        var count = native.ReceiveMany(first, firstFrom, second, secondFrom, out var firstLength, out var secondLength);

        Assert.Equal(2, count);
        Assert.Equal([1, 2, 3], first.AsSpan(0, firstLength).ToArray());
        Assert.Equal([4, 5, 6, 7, 8], second.AsSpan(0, secondLength).ToArray());
        Assert.Equal(a.LocalEndPoint, new IPEndPoint(IPAddress.Any, 0).Create(firstFrom));
        Assert.Equal(b.LocalEndPoint, new IPEndPoint(IPAddress.Any, 0).Create(secondFrom));
        Assert.Equal(-NativeDatagram.WouldBlock, native.ReceiveMany(first, firstFrom, second, secondFrom, out _, out _));
    }

    [Fact]
    public void Receive_many_with_no_second_buffer_takes_one_and_leaves_the_next_waiting()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var receiver = Bound();
        using var sender = Bound();
        var native = NativeDatagram.For(receiver)!;
        sender.SendTo(new byte[] { 1 }, receiver.LocalEndPoint!);
        sender.SendTo(new byte[] { 2, 2 }, receiver.LocalEndPoint!);
        var buffer = new byte[RtpPacket.MaxDatagramSize];
        var from = new SocketAddress(AddressFamily.InterNetwork);
        var unused = new SocketAddress(AddressFamily.InterNetwork);

        Assert.Equal(1, native.ReceiveMany(buffer, from, [], unused, out var length, out _));
        Assert.Equal(1, length);
        Assert.Equal(1, native.ReceiveMany(buffer, from, [], unused, out length, out _));
        Assert.Equal(2, length);
        Assert.Equal(-NativeDatagram.WouldBlock, native.ReceiveMany(buffer, from, [], unused, out _, out _));
    }

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}
