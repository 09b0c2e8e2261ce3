namespace Ncco.Rtp.Jitter;

/// <summary>Result of <see cref="JitterBuffer.Pop"/>.</summary>
/// <param name="Kind">Packet, loss or nothing.</param>
/// <param name="PayloadLength">Bytes copied (Packet only).</param>
/// <param name="PayloadType">Payload type (Packet only).</param>
/// <param name="SequenceNumber">Sequence number of the packet or of the lost one.</param>
/// <param name="Timestamp">RTP timestamp (Packet only).</param>
/// <param name="Marker">Marker bit (Packet only).</param>
public readonly record struct JitterPop(JitterPopKind Kind, int PayloadLength, byte PayloadType, ushort SequenceNumber, uint Timestamp, bool Marker);
