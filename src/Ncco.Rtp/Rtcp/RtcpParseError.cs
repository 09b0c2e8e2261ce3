namespace Ncco.Rtp.Rtcp;

/// <summary>Why a datagram was rejected as an RTCP compound packet (RFC 3550 Appendix A.2 checks).</summary>
public enum RtcpParseError
{
    /// <summary>Valid.</summary>
    None,

    /// <summary>Shorter than one 4-byte RTCP header, or not a multiple of 4 bytes.</summary>
    LengthNotMultipleOf4,

    /// <summary>A packet's version field is not 2.</summary>
    VersionNot2,

    /// <summary>The first packet is neither SR nor RR (every compound packet must start with a report).</summary>
    FirstPacketNotReport,

    /// <summary>A packet's length field runs past the end of the datagram.</summary>
    LengthFieldTooLong,

    /// <summary>A packet other than the last one has the P bit set.</summary>
    PaddingNotInLastPacket,

    /// <summary>The padding count is zero or larger than the packet.</summary>
    PaddingCountInvalid,

    /// <summary>An SR or RR is shorter than its report count requires.</summary>
    ReportBlocksTruncated,

    /// <summary>An SDES chunk or item runs past the end of its packet.</summary>
    SdesItemTruncated,

    /// <summary>A BYE is shorter than its source count or reason length requires.</summary>
    ByeTruncated,
}
