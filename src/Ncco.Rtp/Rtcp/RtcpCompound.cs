using System.Buffers.Binary;
using System.Text;

namespace Ncco.Rtp.Rtcp;

/// <summary>
/// Parses and writes RTCP compound packets (RFC 3550 §6). Parsing validates per Appendix A.2 and never throws on
/// network input; allocation is bounded by the datagram (at most 31 items per packet, datagrams ≤ 1500 bytes).
/// </summary>
public static class RtcpCompound
{
    /// <summary>Parses a compound packet.</summary>
    public static RtcpParseError TryParse(ReadOnlySpan<byte> datagram, out IReadOnlyList<RtcpPacket> packets)
    {
        packets = [];
        if (datagram.Length < 4 || datagram.Length % 4 != 0)
        {
            return RtcpParseError.LengthNotMultipleOf4;
        }
        var list = new List<RtcpPacket>(3);
        var offset = 0;
        while (offset < datagram.Length)
        {
            var rest = datagram[offset..];
            if (rest.Length < 4)
            {
                return RtcpParseError.LengthFieldTooLong;
            }
            if (rest[0] >> 6 != 2)
            {
                return RtcpParseError.VersionNot2;
            }
            var type = rest[1];
            if (offset == 0 && type is not ((byte)RtcpPacketType.SenderReport or (byte)RtcpPacketType.ReceiverReport))
            {
                return RtcpParseError.FirstPacketNotReport;
            }
            var length = (BinaryPrimitives.ReadUInt16BigEndian(rest[2..]) + 1) * 4;
            if (length > rest.Length)
            {
                return RtcpParseError.LengthFieldTooLong;
            }
            var body = rest[..length];
            if ((rest[0] & 0x20) != 0)
            {
                if (offset + length != datagram.Length)
                {
                    return RtcpParseError.PaddingNotInLastPacket;
                }
                var pad = body[^1];
                if (pad == 0 || pad > length - 4)
                {
                    return RtcpParseError.PaddingCountInvalid;
                }
                body = body[..(length - pad)];
            }
            var count = rest[0] & 0x1F;
            var error = ParseOne(type, count, body, length, out var packet);
            if (error != RtcpParseError.None)
            {
                return error;
            }
            list.Add(packet!);
            offset += length;
        }
        packets = list;
        return RtcpParseError.None;
    }

    private static RtcpParseError ParseOne(byte type, int count, ReadOnlySpan<byte> body, int length, out RtcpPacket? packet)
    {
        packet = null;
        switch ((RtcpPacketType)type)
        {
            case RtcpPacketType.SenderReport:
                {
                    if (body.Length < 28 + (count * ReportBlock.Size))
                    {
                        return RtcpParseError.ReportBlocksTruncated;
                    }
                    var info = new SenderInfo(
                        BinaryPrimitives.ReadUInt64BigEndian(body[8..]),
                        BinaryPrimitives.ReadUInt32BigEndian(body[16..]),
                        BinaryPrimitives.ReadUInt32BigEndian(body[20..]),
                        BinaryPrimitives.ReadUInt32BigEndian(body[24..]));
                    packet = new RtcpSenderReport(BinaryPrimitives.ReadUInt32BigEndian(body[4..]), info, ReadBlocks(body[28..], count));
                    return RtcpParseError.None;
                }
            case RtcpPacketType.ReceiverReport:
                if (body.Length < 8 + (count * ReportBlock.Size))
                {
                    return RtcpParseError.ReportBlocksTruncated;
                }
                packet = new RtcpReceiverReport(BinaryPrimitives.ReadUInt32BigEndian(body[4..]), ReadBlocks(body[8..], count));
                return RtcpParseError.None;
            case RtcpPacketType.SourceDescription:
                return ParseSdes(count, body[4..], out packet);
            case RtcpPacketType.Bye:
                {
                    if (body.Length < 4 + (4 * count))
                    {
                        return RtcpParseError.ByeTruncated;
                    }
                    var sources = new uint[count];
                    for (var i = 0; i < count; i++)
                    {
                        sources[i] = BinaryPrimitives.ReadUInt32BigEndian(body[(4 + (4 * i))..]);
                    }
                    string? reason = null;
                    var at = 4 + (4 * count);
                    if (at < body.Length)
                    {
                        var reasonLength = body[at];
                        if (at + 1 + reasonLength > body.Length)
                        {
                            return RtcpParseError.ByeTruncated;
                        }
                        reason = Encoding.UTF8.GetString(body.Slice(at + 1, reasonLength));
                    }
                    packet = new RtcpBye(sources, reason);
                    return RtcpParseError.None;
                }
            default:
                packet = new RtcpUnknownPacket(type, length);
                return RtcpParseError.None;
        }
    }

    private static ReportBlock[] ReadBlocks(ReadOnlySpan<byte> data, int count)
    {
        var blocks = new ReportBlock[count];
        for (var i = 0; i < count; i++)
        {
            var b = data[(i * ReportBlock.Size)..];
            // Cumulative lost is a 24-bit two's-complement number: shift it into the top of an int and back.
            var lost = (int)(BinaryPrimitives.ReadUInt32BigEndian(b[4..]) << 8) >> 8;
            blocks[i] = new ReportBlock(
                BinaryPrimitives.ReadUInt32BigEndian(b),
                b[4],
                lost,
                BinaryPrimitives.ReadUInt32BigEndian(b[8..]),
                BinaryPrimitives.ReadUInt32BigEndian(b[12..]),
                BinaryPrimitives.ReadUInt32BigEndian(b[16..]),
                BinaryPrimitives.ReadUInt32BigEndian(b[20..]));
        }
        return blocks;
    }

    private static RtcpParseError ParseSdes(int count, ReadOnlySpan<byte> data, out RtcpPacket? packet)
    {
        packet = null;
        var chunks = new SdesChunk[count];
        var offset = 0;
        for (var c = 0; c < count; c++)
        {
            if (offset + 4 > data.Length)
            {
                return RtcpParseError.SdesItemTruncated;
            }
            var ssrc = BinaryPrimitives.ReadUInt32BigEndian(data[offset..]);
            offset += 4;
            string? cname = null;
            while (true)
            {
                if (offset >= data.Length)
                {
                    return RtcpParseError.SdesItemTruncated;
                }
                var itemType = data[offset];
                if (itemType == 0)
                {
                    // END item, then null padding up to the next 32-bit boundary.
                    offset = (offset + 4) & ~3;
                    break;
                }
                if (offset + 2 > data.Length || offset + 2 + data[offset + 1] > data.Length)
                {
                    return RtcpParseError.SdesItemTruncated;
                }
                var itemLength = data[offset + 1];
                if (itemType == 1)
                {
                    cname = Encoding.UTF8.GetString(data.Slice(offset + 2, itemLength));
                }
                offset += 2 + itemLength;
            }
            chunks[c] = new SdesChunk(ssrc, cname);
        }
        packet = new RtcpSourceDescription(chunks);
        return RtcpParseError.None;
    }

    /// <summary>Writes an SR. <returns>Bytes written.</returns></summary>
    public static int WriteSenderReport(Span<byte> destination, uint ssrc, in SenderInfo sender, ReadOnlySpan<ReportBlock> reports)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reports.Length, 31, nameof(reports));
        var length = 28 + (reports.Length * ReportBlock.Size);
        CheckRoom(destination, length);
        WriteHeader(destination, reports.Length, RtcpPacketType.SenderReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], sender.NtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], sender.RtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], sender.PacketCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[24..], sender.OctetCount);
        WriteBlocks(destination[28..], reports);
        return length;
    }

    /// <summary>Writes an RR. <returns>Bytes written.</returns></summary>
    public static int WriteReceiverReport(Span<byte> destination, uint ssrc, ReadOnlySpan<ReportBlock> reports)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reports.Length, 31, nameof(reports));
        var length = 8 + (reports.Length * ReportBlock.Size);
        CheckRoom(destination, length);
        WriteHeader(destination, reports.Length, RtcpPacketType.ReceiverReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        WriteBlocks(destination[8..], reports);
        return length;
    }

    /// <summary>Writes an SDES packet with one chunk holding a CNAME item. <returns>Bytes written.</returns></summary>
    public static int WriteSdesCname(Span<byte> destination, uint ssrc, string cname)
    {
        ArgumentNullException.ThrowIfNull(cname);
        var nameLength = Encoding.UTF8.GetByteCount(cname);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nameLength, 255, nameof(cname));
        // header + SSRC + type/length + text + END, padded to 32 bits (at least one null octet terminates the list).
        var length = (4 + 4 + 2 + nameLength + 1 + 3) & ~3;
        CheckRoom(destination, length);
        destination[..length].Clear();
        WriteHeader(destination, 1, RtcpPacketType.SourceDescription, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        destination[8] = 1;
        destination[9] = (byte)nameLength;
        Encoding.UTF8.GetBytes(cname, destination[10..]);
        return length;
    }

    /// <summary>Writes a BYE for one source. <returns>Bytes written.</returns></summary>
    public static int WriteBye(Span<byte> destination, uint ssrc, string? reason = null)
    {
        var reasonLength = reason is null ? 0 : Encoding.UTF8.GetByteCount(reason);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(reasonLength, 255, nameof(reason));
        var length = reason is null ? 8 : (8 + 1 + reasonLength + 3) & ~3;
        CheckRoom(destination, length);
        destination[..length].Clear();
        WriteHeader(destination, 1, RtcpPacketType.Bye, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        if (reason is not null)
        {
            destination[8] = (byte)reasonLength;
            Encoding.UTF8.GetBytes(reason, destination[9..]);
        }
        return length;
    }

    private static void WriteHeader(Span<byte> destination, int count, RtcpPacketType type, int length)
    {
        destination[0] = (byte)(0x80 | count);
        destination[1] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((length / 4) - 1));
    }

    private static void WriteBlocks(Span<byte> destination, ReadOnlySpan<ReportBlock> reports)
    {
        for (var i = 0; i < reports.Length; i++)
        {
            var b = destination[(i * ReportBlock.Size)..];
            var r = reports[i];
            BinaryPrimitives.WriteUInt32BigEndian(b, r.Ssrc);
            var lost = Math.Clamp(r.CumulativeLost, -0x800000, 0x7FFFFF);
            BinaryPrimitives.WriteUInt32BigEndian(b[4..], ((uint)r.FractionLost << 24) | ((uint)lost & 0xFFFFFF));
            BinaryPrimitives.WriteUInt32BigEndian(b[8..], r.ExtendedHighestSequence);
            BinaryPrimitives.WriteUInt32BigEndian(b[12..], r.Jitter);
            BinaryPrimitives.WriteUInt32BigEndian(b[16..], r.LastSenderReport);
            BinaryPrimitives.WriteUInt32BigEndian(b[20..], r.DelaySinceLastSenderReport);
        }
    }

    private static void CheckRoom(Span<byte> destination, int length)
    {
        if (destination.Length < length)
        {
            throw new ArgumentException($"destination must hold {length} bytes", nameof(destination));
        }
    }
}
