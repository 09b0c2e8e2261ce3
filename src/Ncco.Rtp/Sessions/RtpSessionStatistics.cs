using System.Net;

namespace Ncco.Rtp.Sessions;

/// <summary>A snapshot of a session's counters.</summary>
/// <param name="PacketsSent">RTP packets sent (audio and telephone-event).</param>
/// <param name="OctetsSent">Payload octets sent.</param>
/// <param name="PacketsReceived">RTP packets that parsed and were accepted from the peer.</param>
/// <param name="Malformed">Datagrams rejected by the RTP or RTCP parser.</param>
/// <param name="Stray">Valid packets from a source other than the latched/configured peer (ignored).</param>
/// <param name="UnexpectedPayloadType">Packets of a payload type not negotiated (ignored).</param>
/// <param name="RtcpReceived">RTCP compound packets received.</param>
/// <param name="RtcpSent">RTCP compound packets sent.</param>
/// <param name="SendErrors">Sends the OS refused (e.g. ICMP port unreachable); audio continues.</param>
/// <param name="ConcealedFrames">Frames filled by loss concealment.</param>
/// <param name="Remote">Where RTP is being sent, or null while waiting for the peer.</param>
/// <param name="Latched">True once latched onto the peer's real address.</param>
/// <param name="RemoteSsrc">The peer's SSRC once known.</param>
/// <param name="RemoteSentBye">True when the peer sent RTCP BYE.</param>
public sealed record RtpSessionStatistics(
    long PacketsSent,
    long OctetsSent,
    long PacketsReceived,
    long Malformed,
    long Stray,
    long UnexpectedPayloadType,
    long RtcpReceived,
    long RtcpSent,
    long SendErrors,
    long ConcealedFrames,
    IPEndPoint? Remote,
    bool Latched,
    uint? RemoteSsrc,
    bool RemoteSentBye);
