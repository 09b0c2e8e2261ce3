using Ncco.Rtp.Packets;

namespace Ncco.Rtp.Tests.Packets;

public sealed class RtpPacketTests
{
    [Fact]
    public void Every_field_round_trips()
    {
        var buffer = new byte[RtpPacket.MaxDatagramSize];
        uint[] csrcs = [0x11111111, 0x22222222, 0xFFFFFFFF];
        byte[] extension = [1, 2, 3, 4, 5, 6, 7, 8];
        byte[] payload = [9, 8, 7, 6, 5];
        var length = RtpPacket.Write(buffer, true, 101, 65535, 0xDEADBEEF, 0xCAFEBABE, csrcs, 0xBEDE, extension, payload, 7);
        Assert.Equal(12 + 12 + 4 + 8 + 5 + 7, length);

        var datagram = buffer.AsSpan(0, length);
        Assert.Equal(RtpParseError.None, RtpPacket.TryParse(datagram, out var header));
        Assert.True(header.Marker);
        Assert.True(header.Padding);
        Assert.Equal(101, header.PayloadType);
        Assert.Equal(65535, header.SequenceNumber);
        Assert.Equal(0xDEADBEEF, header.Timestamp);
        Assert.Equal(0xCAFEBABE, header.Ssrc);
        Assert.Equal(3, header.CsrcCount);
        Assert.Equal((ushort)0xBEDE, header.ExtensionProfile);
        Assert.Equal(0xFFFFFFFF, RtpPacket.Csrc(datagram, header, 2));
        Assert.Equal(extension, RtpPacket.Extension(datagram, header).ToArray());
        Assert.Equal(payload, RtpPacket.Payload(datagram, header).ToArray());
    }

    [Fact]
    public void A_plain_packet_has_a_12_byte_header()
    {
        var buffer = new byte[200];
        var length = RtpPacket.Write(buffer, false, 0, 1, 160, 42, new byte[160]);
        Assert.Equal(172, length);
        Assert.Equal(0x80, buffer[0]);
        Assert.Equal(0x00, buffer[1]);
        Assert.Equal(RtpParseError.None, RtpPacket.TryParse(buffer.AsSpan(0, length), out var header));
        Assert.Null(header.ExtensionProfile);
        Assert.False(header.Marker);
        Assert.Equal(12, header.PayloadOffset);
        Assert.Equal(160, header.PayloadLength);
    }

    public static TheoryData<string, RtpParseError> Hostile => new()
    {
        { "", RtpParseError.TooShortForHeader },
        { "80000001000000a0000000", RtpParseError.TooShortForHeader },
        { "40000001000000a00000002a", RtpParseError.VersionNot2 },
        { "c0000001000000a00000002a", RtpParseError.VersionNot2 },
        { "83000001000000a00000002a1111111122222222", RtpParseError.CsrcListTruncated },
        { "8f000001000000a00000002a", RtpParseError.CsrcListTruncated },
        { "90000001000000a00000002abede", RtpParseError.ExtensionHeaderTruncated },
        { "90000001000000a00000002abede0002aaaaaaaa", RtpParseError.ExtensionLengthTooLong },
        { "90000001000000a00000002abedeffff", RtpParseError.ExtensionLengthTooLong },
        { "a0000001000000a00000002a0102030400", RtpParseError.PaddingCountZero },
        { "a0000001000000a00000002a01020305", RtpParseError.PaddingCountTooLarge },
        { "a0000001000000a00000002aff", RtpParseError.PaddingCountTooLarge },
        { "80c80001000000a00000002a", RtpParseError.PayloadTypeIsRtcp },
        { "80c90001000000a00000002a", RtpParseError.PayloadTypeIsRtcp },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_packets_are_rejected_with_the_field_that_is_wrong(string hex, RtpParseError expected)
    {
        Assert.Equal(expected, RtpPacket.TryParse(Convert.FromHexString(hex), out var header));
        Assert.Equal(default, header);
    }

    [Fact]
    public void Padding_that_exactly_fills_the_packet_leaves_an_empty_payload()
    {
        Assert.Equal(RtpParseError.None, RtpPacket.TryParse(Convert.FromHexString("a0000001000000a00000002a00000004"), out var header));
        Assert.Equal(0, header.PayloadLength);
    }

    [Fact]
    public void Random_mutations_never_throw_and_valid_results_stay_inside_the_datagram()
    {
        var random = new Random(1234);
        var seed = new byte[400];
        var seedLength = RtpPacket.Write(seed, true, 9, 100, 1000, 7, [1, 2], 0x1000, new byte[12], new byte[160], 4);
        var datagram = new byte[seedLength + 16];
        var valid = 0;
        for (var iteration = 0; iteration < 50_000; iteration++)
        {
            var length = random.Next(0, datagram.Length + 1);
            seed.AsSpan(0, Math.Min(length, seedLength)).CopyTo(datagram);
            for (var flips = random.Next(1, 6); flips > 0 && length > 0; flips--)
            {
                datagram[random.Next(length)] = (byte)random.Next(256);
            }
            var span = datagram.AsSpan(0, length);
            if (RtpPacket.TryParse(span, out var header) == RtpParseError.None)
            {
                valid++;
                Assert.InRange(header.PayloadOffset + header.PayloadLength, 12, length);
                Assert.True(header.PayloadLength >= 0);
                _ = RtpPacket.Payload(span, header);
                _ = RtpPacket.Extension(span, header);
            }
        }
        Assert.InRange(valid, 1, 49_999);
    }

    [Fact]
    public void Writing_rejects_impossible_values()
    {
        var buffer = new byte[100];
        Assert.Throws<ArgumentOutOfRangeException>(() => RtpPacket.Write(buffer, false, 128, 0, 0, 0, default));
        Assert.Throws<ArgumentException>(() => RtpPacket.Write(buffer, false, 0, 0, 0, 0, default, 1, new byte[3], default, 0));
        Assert.Throws<ArgumentException>(() => RtpPacket.Write(buffer, false, 0, 0, 0, 0, new byte[100]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RtpPacket.Write(buffer, false, 0, 0, 0, 0, new uint[16], null, default, default, 0));
    }
}
