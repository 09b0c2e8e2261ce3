using Ncco.Rtp.Rtcp;

namespace Ncco.Rtp.Tests.Rtcp;

public sealed class RtcpCompoundTests
{
    private static readonly ReportBlock Block = new(0x01020304, 25, -3, 0x0001FFFF, 77, 0xAABBCCDD, 0x00018000);

    [Fact]
    public void Sender_report_sdes_and_bye_round_trip_as_one_compound_packet()
    {
        var buffer = new byte[1500];
        var info = new SenderInfo(SenderInfo.ToNtp(new DateTimeOffset(2026, 11, 21, 16, 0, 0, TimeSpan.Zero)), 123456, 50, 8000);
        var length = RtcpCompound.WriteSenderReport(buffer, 0xCAFE, info, [Block]);
        length += RtcpCompound.WriteSdesCname(buffer.AsSpan(length), 0xCAFE, "ncco@example");
        length += RtcpCompound.WriteBye(buffer.AsSpan(length), 0xCAFE, "hangup");
        Assert.Equal(0, length % 4);

        Assert.Equal(RtcpParseError.None, RtcpCompound.TryParse(buffer.AsSpan(0, length), out var packets));
        Assert.Equal(3, packets.Count);
        var sr = Assert.IsType<RtcpSenderReport>(packets[0]);
        Assert.Equal(0xCAFEu, sr.Ssrc);
        Assert.Equal(info, sr.Sender);
        Assert.Equal(Block, Assert.Single(sr.Reports));
        var sdes = Assert.IsType<RtcpSourceDescription>(packets[1]);
        Assert.Equal(new SdesChunk(0xCAFE, "ncco@example"), Assert.Single(sdes.Chunks));
        var bye = Assert.IsType<RtcpBye>(packets[2]);
        Assert.Equal([0xCAFEu], bye.Sources);
        Assert.Equal("hangup", bye.Reason);
    }

    [Fact]
    public void Receiver_report_without_blocks_and_bye_without_reason()
    {
        var buffer = new byte[100];
        var length = RtcpCompound.WriteReceiverReport(buffer, 9, []);
        Assert.Equal(8, length);
        length += RtcpCompound.WriteBye(buffer.AsSpan(length), 9);
        Assert.Equal(RtcpParseError.None, RtcpCompound.TryParse(buffer.AsSpan(0, length), out var packets));
        Assert.Empty(Assert.IsType<RtcpReceiverReport>(packets[0]).Reports);
        Assert.Null(Assert.IsType<RtcpBye>(packets[1]).Reason);
    }

    [Fact]
    public void Ntp_conversion_matches_the_1900_epoch()
    {
        var ntp = SenderInfo.ToNtp(new DateTimeOffset(1970, 1, 1, 0, 0, 0, 500, TimeSpan.Zero));
        Assert.Equal(2208988800UL, ntp >> 32);
        Assert.Equal(0x80000000UL, ntp & 0xFFFFFFFF);
    }

    public static TheoryData<string, RtcpParseError> Hostile => new()
    {
        { "", RtcpParseError.LengthNotMultipleOf4 },
        { "80c9000100", RtcpParseError.LengthNotMultipleOf4 },
        { "40c9000100000009", RtcpParseError.VersionNot2 },
        { "81ca000200000009010000", RtcpParseError.LengthNotMultipleOf4 },
        { "81cb000100000009", RtcpParseError.FirstPacketNotReport },
        { "80c9000500000009", RtcpParseError.LengthFieldTooLong },
        { "81c9000100000009", RtcpParseError.ReportBlocksTruncated },
        { "80c8000100000009", RtcpParseError.ReportBlocksTruncated },
        { "a0c90001000000098fc9000100000009", RtcpParseError.PaddingNotInLastPacket },
        { "a0c9000100000000", RtcpParseError.PaddingCountInvalid },
        { "a0c9000100000009", RtcpParseError.PaddingCountInvalid },
        { "80c900010000000981ca00010000000a", RtcpParseError.SdesItemTruncated },
        { "80c900010000000981ca00020000000a0110aaaa", RtcpParseError.SdesItemTruncated },
        { "80c900010000000982cb00010000000a", RtcpParseError.ByeTruncated },
        { "80c900010000000981cb00020000000a05616263", RtcpParseError.ByeTruncated },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_compound_packets_are_rejected_with_the_reason(string hex, RtcpParseError expected)
    {
        Assert.Equal(expected, RtcpCompound.TryParse(Convert.FromHexString(hex), out var packets));
        Assert.Empty(packets);
    }

    [Fact]
    public void Unknown_packet_types_are_kept_as_opaque_entries()
    {
        Assert.Equal(RtcpParseError.None, RtcpCompound.TryParse(Convert.FromHexString("80c900010000000980cc000200000009414243"  + "44"), out var packets));
        var app = Assert.IsType<RtcpUnknownPacket>(packets[1]);
        Assert.Equal(204, app.PacketType);
        Assert.Equal(12, app.Length);
    }

    [Fact]
    public void Random_mutations_never_throw()
    {
        var random = new Random(99);
        var seed = new byte[1500];
        var seedLength = RtcpCompound.WriteSenderReport(seed, 1, new SenderInfo(1, 2, 3, 4), [Block, Block]);
        seedLength += RtcpCompound.WriteSdesCname(seed.AsSpan(seedLength), 1, "abc");
        seedLength += RtcpCompound.WriteBye(seed.AsSpan(seedLength), 1, "bye");
        var datagram = new byte[seedLength];
        var valid = 0;
        for (var iteration = 0; iteration < 30_000; iteration++)
        {
            seed.AsSpan(0, seedLength).CopyTo(datagram);
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                datagram[random.Next(seedLength)] = (byte)random.Next(256);
            }
            var length = random.Next(2) == 0 ? seedLength : random.Next(seedLength + 1) & ~3;
            if (RtcpCompound.TryParse(datagram.AsSpan(0, length), out var packets) == RtcpParseError.None)
            {
                valid++;
                Assert.NotEmpty(packets);
            }
        }
        Assert.InRange(valid, 1, 29_999);
    }
}
