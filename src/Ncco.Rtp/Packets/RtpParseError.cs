namespace Ncco.Rtp.Packets;

/// <summary>Why a datagram was rejected as an RTP packet (the field and the reason are in the name).</summary>
public enum RtpParseError
{
    /// <summary>The packet is valid.</summary>
    None,

    /// <summary>Shorter than the 12-byte fixed header.</summary>
    TooShortForHeader,

    /// <summary>Version field is not 2.</summary>
    VersionNot2,

    /// <summary>The CSRC count says more identifiers than the datagram holds.</summary>
    CsrcListTruncated,

    /// <summary>The X bit is set but the 4-byte extension header is missing.</summary>
    ExtensionHeaderTruncated,

    /// <summary>The extension length field runs past the end of the datagram.</summary>
    ExtensionLengthTooLong,

    /// <summary>The P bit is set but the last octet (padding count) is zero.</summary>
    PaddingCountZero,

    /// <summary>The padding count is larger than what follows the header.</summary>
    PaddingCountTooLarge,

    /// <summary>The payload type is 72–76: those values are RTCP packet types (RFC 5761 demultiplexing).</summary>
    PayloadTypeIsRtcp,
}
