namespace Ncco.Media.Dtmf;

/// <summary>
/// Timing and level of generated DTMF. Defaults: 100 ms tone, 60 ms gap between keys, each tone at −10 dBFS
/// (≈ −13 dBm0 per frequency, inside Q.23's recommended range), <c>p</c> = 500 ms pause (as in <c>dtmfAnswer</c>).
/// </summary>
/// <param name="ToneDuration">Duration of each key's dual tone.</param>
/// <param name="GapDuration">Silence after each key.</param>
/// <param name="PauseDuration">Silence for the <c>p</c> character.</param>
/// <param name="LowLevelDbfs">Level of the low (row) tone in dBFS (RMS relative to a full-scale sine).</param>
/// <param name="HighLevelDbfs">Level of the high (column) tone in dBFS.</param>
public sealed record DtmfGeneratorOptions(
    TimeSpan ToneDuration,
    TimeSpan GapDuration,
    TimeSpan PauseDuration,
    double LowLevelDbfs = -10,
    double HighLevelDbfs = -10)
{
    /// <summary>The defaults described above.</summary>
    public static DtmfGeneratorOptions Default { get; } =
        new(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(60), TimeSpan.FromMilliseconds(500));
}
