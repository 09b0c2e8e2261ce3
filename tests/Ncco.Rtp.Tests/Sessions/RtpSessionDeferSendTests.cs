using System.Buffers.Binary;
using System.Net;
using Ncco.Rtp.Ports;
using Ncco.Rtp.Sessions;
using Ncco.Rtp.Tests.Support;

namespace Ncco.Rtp.Tests.Sessions;

/// <summary><see cref="RtpSessionOptions.DeferSend"/>: frames are built by WriteFrame and leave on FlushSend.</summary>
public sealed class RtpSessionDeferSendTests
{
    private static readonly RtpPortAllocator Ports = new(new RtpPortRange(42900, 42999), IPAddress.Loopback);

    private static ushort Sequence(byte[] packet) => BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2));

    [Fact]
    public async Task A_written_frame_waits_for_the_flush_and_leaves_then()
    {
        using var peer = new RawPeer();
        await using var session = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint, DeferSend = true });
        session.Start();

        session.WriteFrame(new short[160]);
        Assert.True(session.HasPendingSend);
        Assert.True(peer.RtpIsQuiet(100), "nothing is sent before the flush");
        Assert.Equal(0, session.Statistics.PacketsSent);

        session.FlushSend();
        Assert.False(session.HasPendingSend);
        var packet = peer.ReceiveRtp();
        Assert.NotNull(packet);
        Assert.Equal(12 + 160, packet.Length);
        Assert.Equal(1, session.Statistics.PacketsSent);

        // A second flush has nothing to send.
        session.FlushSend();
        Assert.True(peer.RtpIsQuiet(100));
    }

    [Fact]
    public async Task A_frame_written_before_the_last_one_was_flushed_sends_that_one_first_and_none_is_lost()
    {
        using var peer = new RawPeer();
        await using var session = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMA", RemoteRtp = peer.RtpEndPoint, DeferSend = true });
        session.Start();

        // Catch-up ticks build several frames before one flush: each waiting packet goes out as the next is built.
        for (var i = 0; i < 3; i++) session.WriteFrame(new short[160]);
        session.FlushSend();

        var sequences = new List<ushort>();
        for (var i = 0; i < 3; i++) sequences.Add(Sequence(peer.ReceiveRtp() ?? throw new InvalidOperationException($"packet {i} missing")));
        Assert.Equal([sequences[0], (ushort)(sequences[0] + 1), (ushort)(sequences[0] + 2)], sequences);
        Assert.Equal(3, session.Statistics.PacketsSent);
        Assert.True(peer.RtpIsQuiet(100));
    }

    [Fact]
    public async Task Without_the_option_a_frame_is_sent_as_it_is_written()
    {
        using var peer = new RawPeer();
        await using var session = new RtpSession(Ports.Allocate(), new RtpSessionOptions { Codec = "PCMU", RemoteRtp = peer.RtpEndPoint });
        session.Start();

        session.WriteFrame(new short[160]);

        Assert.False(session.HasPendingSend);
        Assert.NotNull(peer.ReceiveRtp());
    }
}
