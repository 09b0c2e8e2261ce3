namespace Ncco.Rtp.Jitter;

/// <summary>Counters of a jitter buffer since it was created.</summary>
/// <param name="Accepted">Packets stored.</param>
/// <param name="Duplicates">Duplicates dropped.</param>
/// <param name="TooLate">Late packets dropped.</param>
/// <param name="Lost">Frames reported lost.</param>
/// <param name="Underruns">Times the buffer ran dry while playing.</param>
/// <param name="DroppedForLatency">Packets dropped to shrink an over-deep buffer (sender clock faster than ours).</param>
/// <param name="Overflowed">Packets pushed out because one arrived too far ahead.</param>
/// <param name="Resets">Resets for a new SSRC or a sequence jump.</param>
/// <param name="TargetDepth">Current target depth in frames.</param>
/// <param name="Depth">Packets held now.</param>
/// <param name="JitterTimestampUnits">Smoothed interarrival jitter (RFC 3550 A.8), in timestamp units.</param>
public readonly record struct JitterBufferStatistics(
    long Accepted,
    long Duplicates,
    long TooLate,
    long Lost,
    long Underruns,
    long DroppedForLatency,
    long Overflowed,
    long Resets,
    int TargetDepth,
    int Depth,
    double JitterTimestampUnits);
