namespace Ncco.Media.Dtmf;

/// <summary>
/// Acceptance limits of the in-band DTMF detector, defaulting to ITU-T Q.24 figures: frequency deviation accepted up
/// to ±1.5 % and rejected from ±3.5 % (the cut is at <see cref="MaxFrequencyDeviation"/>), twist up to 8 dB either way,
/// tones of 40 ms and longer detected and tones shorter than ~23 ms rejected (two consecutive full 12.75 ms blocks are
/// needed), interdigit pauses of 40 ms resolved.
/// </summary>
/// <param name="MinimumToneLevelDbfs">Weakest accepted level of each tone, dBFS (RMS relative to a full-scale sine).</param>
/// <param name="MaxNormalTwistDb">Largest accepted excess of the high-group tone over the low-group tone.</param>
/// <param name="MaxReverseTwistDb">Largest accepted excess of the low-group tone over the high-group tone.</param>
/// <param name="MaxFrequencyDeviation">Largest accepted relative frequency error of each tone.</param>
/// <param name="RelativePeakDb">How far each detected tone must stand above the other tones of its group.</param>
/// <param name="MinimumToneToTotalRatio">Share of the block's power that the two tones must carry (talk-off guard).</param>
public sealed record DtmfDetectorOptions(
    double MinimumToneLevelDbfs = -36,
    double MaxNormalTwistDb = 8,
    double MaxReverseTwistDb = 8,
    double MaxFrequencyDeviation = 0.025,
    double RelativePeakDb = 8,
    double MinimumToneToTotalRatio = 0.6)
{
    /// <summary>The Q.24 defaults.</summary>
    public static DtmfDetectorOptions Default { get; } = new();
}
