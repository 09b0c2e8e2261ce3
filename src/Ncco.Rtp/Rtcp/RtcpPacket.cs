namespace Ncco.Rtp.Rtcp;

/// <summary>One packet of an RTCP compound packet.</summary>
public abstract record RtcpPacket;

/// <summary>Sender report (SR).</summary>
/// <param name="Ssrc">Sender.</param>
/// <param name="Sender">Sender information.</param>
/// <param name="Reports">Reception report blocks (0–31).</param>
public sealed record RtcpSenderReport(uint Ssrc, SenderInfo Sender, IReadOnlyList<ReportBlock> Reports) : RtcpPacket;

/// <summary>Receiver report (RR).</summary>
/// <param name="Ssrc">Reporter.</param>
/// <param name="Reports">Reception report blocks (0–31).</param>
public sealed record RtcpReceiverReport(uint Ssrc, IReadOnlyList<ReportBlock> Reports) : RtcpPacket;

/// <summary>One SDES chunk; only CNAME is kept (other items are skipped).</summary>
/// <param name="Ssrc">Source.</param>
/// <param name="CanonicalName">The CNAME item, or null when the chunk has none.</param>
public sealed record SdesChunk(uint Ssrc, string? CanonicalName);

/// <summary>Source description (SDES).</summary>
/// <param name="Chunks">Chunks (0–31).</param>
public sealed record RtcpSourceDescription(IReadOnlyList<SdesChunk> Chunks) : RtcpPacket;

/// <summary>Goodbye (BYE).</summary>
/// <param name="Sources">Sources leaving (0–31).</param>
/// <param name="Reason">Optional reason text.</param>
public sealed record RtcpBye(IReadOnlyList<uint> Sources, string? Reason) : RtcpPacket;

/// <summary>A packet type this stack does not interpret (APP, feedback, XR…), kept so a caller can count it.</summary>
/// <param name="PacketType">Its type byte.</param>
/// <param name="Length">Its length in bytes.</param>
public sealed record RtcpUnknownPacket(byte PacketType, int Length) : RtcpPacket;
