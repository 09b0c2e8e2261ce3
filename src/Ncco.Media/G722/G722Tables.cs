namespace Ncco.Media.G722;

/// <summary>
/// Constants of ITU-T G.722 (64 kbit/s mode): QMF taps, quantiser decision levels, inverse quantiser outputs and
/// scale-factor adaptation tables. Values are the ones published in the Recommendation.
/// </summary>
/// <remarks>
/// Each table is a static array exposed as a span: a span property over a collection expression of ints is not
/// guaranteed to be static data (in Debug builds each read allocated a new array, ~80 KB per 20 ms G.722 frame).
/// </remarks>
internal static class G722Tables
{
    /// <summary>The 24-tap QMF (symmetric), h0…h23.</summary>
    public static ReadOnlySpan<int> Qmf => QmfValues;

    private static readonly int[] QmfValues =
    [
        3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876,
        3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3,
    ];

    /// <summary>Lower sub-band 6-bit quantiser decision levels (magnitudes, scaled by the step size).</summary>
    public static ReadOnlySpan<int> LowDecision => LowDecisionValues;

    private static readonly int[] LowDecisionValues =
    [
        0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714,
        786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919,
    ];

    /// <summary>6-bit code for a negative difference in interval i (1…30).</summary>
    public static ReadOnlySpan<byte> LowCodeNegative => LowCodeNegativeValues;

    private static readonly byte[] LowCodeNegativeValues =
    [
        0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19,
        18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4,
    ];

    /// <summary>6-bit code for a positive difference in interval i (1…30).</summary>
    public static ReadOnlySpan<byte> LowCodePositive => LowCodePositiveValues;

    private static readonly byte[] LowCodePositiveValues =
    [
        0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47,
        46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32,
    ];

    /// <summary>Inverse quantiser of the 6-bit lower-band code (used for the decoder's output at 64 kbit/s).</summary>
    public static ReadOnlySpan<int> LowInverse6 => LowInverse6Values;

    private static readonly int[] LowInverse6Values =
    [
        -136, -136, -136, -136, -24808, -21904, -19008, -16704,
        -14984, -13512, -12280, -11192, -10232, -9360, -8576, -7856,
        -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576,
        -3168, -2776, -2400, -2032, -1688, -1360, -1040, -728,
        24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192,
        10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456,
        4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032,
        1688, 1360, 1040, 728, 432, 136, -432, -136,
    ];

    /// <summary>
    /// Inverse quantiser of the 4 most significant bits of the lower-band code: the predictor of both encoder and
    /// decoder runs on this truncated value so that dropping bits in transit (56/48 kbit/s) keeps them in step.
    /// </summary>
    public static ReadOnlySpan<int> LowInverse4 => LowInverse4Values;

    private static readonly int[] LowInverse4Values =
    [
        0, -20456, -12896, -8968, -6288, -4240, -2584, -1200,
        20456, 12896, 8968, 6288, 4240, 2584, 1200, 0,
    ];

    /// <summary>Maps the 4-bit lower-band code to the index of its log scale-factor multiplier.</summary>
    public static ReadOnlySpan<byte> LowMagnitudeIndex => LowMagnitudeIndexValues;

    private static readonly byte[] LowMagnitudeIndexValues = [0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0];

    /// <summary>Lower-band log scale-factor increments (W_L).</summary>
    public static ReadOnlySpan<int> LowLogIncrement => LowLogIncrementValues;

    private static readonly int[] LowLogIncrementValues = [-60, -30, 58, 172, 334, 538, 1198, 3042];

    /// <summary>Higher-band 2-bit inverse quantiser.</summary>
    public static ReadOnlySpan<int> HighInverse => HighInverseValues;

    private static readonly int[] HighInverseValues = [-7408, -1616, 7408, 1616];

    /// <summary>Maps the 2-bit higher-band code to the index of its log scale-factor multiplier.</summary>
    public static ReadOnlySpan<byte> HighMagnitudeIndex => HighMagnitudeIndexValues;

    private static readonly byte[] HighMagnitudeIndexValues = [2, 1, 2, 1];

    /// <summary>Higher-band log scale-factor increments (W_H), indexed by magnitude 1 (small) or 2 (large).</summary>
    public static ReadOnlySpan<int> HighLogIncrement => HighLogIncrementValues;

    private static readonly int[] HighLogIncrementValues = [0, -214, 798];

    /// <summary>Antilog table: 2^(i/32) in Q11, for the fractional part of the log scale factor.</summary>
    public static ReadOnlySpan<int> InverseLog => InverseLogValues;

    private static readonly int[] InverseLogValues =
    [
        2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
        2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
    ];

    // Derived tables: after the tables they are computed from (static fields initialise in textual order).

    /// <summary>
    /// Lower-band decision levels 1…29 in vector lanes 0…28 (lanes 29…31 zero, masked off by the search): the
    /// encoder compares the magnitude with all scaled levels at once instead of searching.
    /// </summary>
    public static ReadOnlySpan<int> LowDecisionLanes => LowDecisionLanesValues;

    private static readonly int[] LowDecisionLanesValues = [.. LowDecisionValues.AsSpan(1), 0, 0, 0];

    /// <summary>6-bit lower-band code by interval (1…30), positive differences at 0…31 and negative at 32…63.</summary>
    public static ReadOnlySpan<byte> LowCode => LowCodeValues;

    private static readonly byte[] LowCodeValues = [.. LowCodePositiveValues, 0, .. LowCodeNegativeValues, 0];

    /// <summary>W_L by the 4-bit lower-band code (<see cref="LowLogIncrement"/> through <see cref="LowMagnitudeIndex"/>).</summary>
    public static ReadOnlySpan<int> LowLogIncrementByCode => LowLogIncrementByCodeValues;

    private static readonly int[] LowLogIncrementByCodeValues = [.. LowMagnitudeIndexValues.Select(i => LowLogIncrementValues[i])];

    /// <summary>W_H by the 2-bit higher-band code.</summary>
    public static ReadOnlySpan<int> HighLogIncrementByCode => HighLogIncrementByCodeValues;

    private static readonly int[] HighLogIncrementByCodeValues = [.. HighMagnitudeIndexValues.Select(i => HighLogIncrementValues[i])];

    /// <summary>
    /// Lower-band step size (SCALEL) by log scale factor / 64 (0…288): the antilog of the fraction shifted by the
    /// exponent, computed once here instead of per sample.
    /// </summary>
    public static ReadOnlySpan<int> LowStep => LowStepValues;

    private static readonly int[] LowStepValues = Steps(18432, 8);

    /// <summary>Higher-band step size (SCALEH) by log scale factor / 64 (0…352).</summary>
    public static ReadOnlySpan<int> HighStep => HighStepValues;

    private static readonly int[] HighStepValues = Steps(22528, 10);

    private static int[] Steps(int limit, int exponentBias)
    {
        var steps = new int[(limit >> 6) + 1];
        for (var i = 0; i < steps.Length; i++)
        {
            // i is the log scale factor's bits 6 and up: bits 6–10 index the antilog, bits 11 and up are the exponent.
            var fraction = InverseLogValues[i & 31];
            var shift = exponentBias - (i >> 5);
            steps[i] = (shift < 0 ? fraction << -shift : fraction >> shift) << 2;
        }
        return steps;
    }
}
