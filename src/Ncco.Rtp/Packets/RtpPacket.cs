using System.Buffers.Binary;

namespace Ncco.Rtp.Packets;

/// <summary>
/// RTP packet parsing and writing (RFC 3550 §5.1, §5.3.1). Parsing never throws on network input: every malformed
/// datagram yields an <see cref="RtpParseError"/>. Nothing here allocates.
/// </summary>
public static class RtpPacket
{
    /// <summary>Largest datagram the stack reads or writes (Ethernet MTU minus IP/UDP headers, rounded generously).</summary>
    public const int MaxDatagramSize = 1500;

    /// <summary>Parses <paramref name="datagram"/>; on failure <paramref name="header"/> is default.</summary>
    public static RtpParseError TryParse(ReadOnlySpan<byte> datagram, out RtpHeader header)
    {
        header = default;
        if (datagram.Length < RtpHeader.FixedSize)
        {
            return RtpParseError.TooShortForHeader;
        }
        var b0 = datagram[0];
        if (b0 >> 6 != RtpHeader.Version)
        {
            return RtpParseError.VersionNot2;
        }
        var padding = (b0 & 0x20) != 0;
        var hasExtension = (b0 & 0x10) != 0;
        var csrcCount = b0 & 0x0F;
        var marker = (datagram[1] & 0x80) != 0;
        var payloadType = (byte)(datagram[1] & 0x7F);
        if (payloadType is >= 72 and <= 76)
        {
            return RtpParseError.PayloadTypeIsRtcp;
        }
        var offset = RtpHeader.FixedSize + (4 * csrcCount);
        if (offset > datagram.Length)
        {
            return RtpParseError.CsrcListTruncated;
        }
        ushort? profile = null;
        var extensionOffset = 0;
        var extensionLength = 0;
        if (hasExtension)
        {
            if (offset + 4 > datagram.Length)
            {
                return RtpParseError.ExtensionHeaderTruncated;
            }
            profile = BinaryPrimitives.ReadUInt16BigEndian(datagram[offset..]);
            // The length counts 32-bit words; compute in long so a hostile 0xFFFF cannot overflow anything.
            var words = BinaryPrimitives.ReadUInt16BigEndian(datagram[(offset + 2)..]);
            extensionOffset = offset + 4;
            extensionLength = words * 4;
            if ((long)extensionOffset + extensionLength > datagram.Length)
            {
                return RtpParseError.ExtensionLengthTooLong;
            }
            offset = extensionOffset + extensionLength;
        }
        var end = datagram.Length;
        if (padding)
        {
            var count = datagram[^1];
            if (count == 0)
            {
                return RtpParseError.PaddingCountZero;
            }
            if (count > end - offset)
            {
                return RtpParseError.PaddingCountTooLarge;
            }
            end -= count;
        }
        header = new RtpHeader(
            padding,
            marker,
            payloadType,
            BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(datagram[8..]),
            csrcCount,
            profile,
            extensionOffset,
            extensionLength,
            offset,
            end - offset);
        return RtpParseError.None;
    }

    /// <summary>The payload of a parsed packet.</summary>
    public static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> datagram, in RtpHeader header) =>
        datagram.Slice(header.PayloadOffset, header.PayloadLength);

    /// <summary>The <paramref name="index"/>-th CSRC of a parsed packet.</summary>
    public static uint Csrc(ReadOnlySpan<byte> datagram, in RtpHeader header, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, header.CsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(datagram[(RtpHeader.FixedSize + (4 * index))..]);
    }

    /// <summary>The header-extension data of a parsed packet (empty when absent).</summary>
    public static ReadOnlySpan<byte> Extension(ReadOnlySpan<byte> datagram, in RtpHeader header) =>
        header.ExtensionProfile is null ? default : datagram.Slice(header.ExtensionOffset, header.ExtensionLength);

    /// <summary>Writes a packet with no CSRC, extension or padding (the common case for a media leg).</summary>
    /// <returns>Bytes written.</returns>
    public static int Write(Span<byte> destination, bool marker, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc, ReadOnlySpan<byte> payload) =>
        Write(destination, marker, payloadType, sequenceNumber, timestamp, ssrc, default, null, default, payload, 0);

    /// <summary>Writes a packet with every optional part.</summary>
    /// <param name="destination">Output buffer.</param>
    /// <param name="marker">M bit.</param>
    /// <param name="payloadType">0–127.</param>
    /// <param name="sequenceNumber">Sequence number.</param>
    /// <param name="timestamp">Timestamp.</param>
    /// <param name="ssrc">SSRC.</param>
    /// <param name="csrcs">Up to 15 contributing sources.</param>
    /// <param name="extensionProfile">Extension profile, or null for no extension.</param>
    /// <param name="extension">Extension data, a multiple of 4 bytes.</param>
    /// <param name="payload">Payload.</param>
    /// <param name="paddingLength">0, or 1–255 bytes of padding (the last of which holds the count).</param>
    /// <returns>Bytes written.</returns>
    public static int Write(
        Span<byte> destination,
        bool marker,
        byte payloadType,
        ushort sequenceNumber,
        uint timestamp,
        uint ssrc,
        ReadOnlySpan<uint> csrcs,
        ushort? extensionProfile,
        ReadOnlySpan<byte> extension,
        ReadOnlySpan<byte> payload,
        int paddingLength)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, (byte)127);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(csrcs.Length, 15, nameof(csrcs));
        ArgumentOutOfRangeException.ThrowIfNegative(paddingLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(paddingLength, 255);
        if (extensionProfile is null && !extension.IsEmpty)
        {
            throw new ArgumentException("extension data needs an extension profile", nameof(extension));
        }
        if (extension.Length % 4 != 0 || extension.Length / 4 > ushort.MaxValue)
        {
            throw new ArgumentException("extension length must be a multiple of 4 bytes, at most 65535 words", nameof(extension));
        }
        var length = RtpHeader.FixedSize + (4 * csrcs.Length) + (extensionProfile is null ? 0 : 4 + extension.Length) + payload.Length + paddingLength;
        if (destination.Length < length)
        {
            throw new ArgumentException($"destination must hold {length} bytes", nameof(destination));
        }
        destination[0] = (byte)((RtpHeader.Version << 6) | (paddingLength > 0 ? 0x20 : 0) | (extensionProfile is null ? 0 : 0x10) | csrcs.Length);
        destination[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ssrc);
        var offset = RtpHeader.FixedSize;
        foreach (var csrc in csrcs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[offset..], csrc);
            offset += 4;
        }
        if (extensionProfile is { } profile)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], profile);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], (ushort)(extension.Length / 4));
            extension.CopyTo(destination[(offset + 4)..]);
            offset += 4 + extension.Length;
        }
        payload.CopyTo(destination[offset..]);
        offset += payload.Length;
        if (paddingLength > 0)
        {
            destination.Slice(offset, paddingLength - 1).Clear();
            destination[offset + paddingLength - 1] = (byte)paddingLength;
            offset += paddingLength;
        }
        return offset;
    }
}
