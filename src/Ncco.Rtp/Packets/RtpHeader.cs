namespace Ncco.Rtp.Packets;

/// <summary>
/// The parsed fixed header of an RTP packet (RFC 3550 §5.1) plus where its parts lie in the datagram, so the payload,
/// CSRC list and extension can be read from the original buffer without copying.
/// </summary>
/// <param name="Padding">P bit.</param>
/// <param name="Marker">M bit (start of a talkspurt for audio).</param>
/// <param name="PayloadType">7-bit payload type.</param>
/// <param name="SequenceNumber">16-bit sequence number.</param>
/// <param name="Timestamp">32-bit media timestamp.</param>
/// <param name="Ssrc">Synchronisation source.</param>
/// <param name="CsrcCount">Number of contributing sources (0–15).</param>
/// <param name="ExtensionProfile">The 16-bit profile of the header extension, or null when X is clear.</param>
/// <param name="ExtensionOffset">Offset of the extension data (after its 4-byte header), 0 when absent.</param>
/// <param name="ExtensionLength">Length in bytes of the extension data.</param>
/// <param name="PayloadOffset">Offset of the payload.</param>
/// <param name="PayloadLength">Payload length in bytes, padding excluded.</param>
public readonly record struct RtpHeader(
    bool Padding,
    bool Marker,
    byte PayloadType,
    ushort SequenceNumber,
    uint Timestamp,
    uint Ssrc,
    int CsrcCount,
    ushort? ExtensionProfile,
    int ExtensionOffset,
    int ExtensionLength,
    int PayloadOffset,
    int PayloadLength)
{
    /// <summary>RTP version handled by this library.</summary>
    public const int Version = 2;

    /// <summary>Size of the fixed header.</summary>
    public const int FixedSize = 12;
}
