namespace Ncco.Media.Pcm;

/// <summary>
/// Volume for the NCCO <c>level</c> option (−1…1, 0 = unchanged). The mapping is linear in amplitude:
/// gain = 1 + level, so −1 is silence, −0.5 is −6 dB and +1 is +6 dB (with saturation).
/// </summary>
public static class Gain
{
    /// <summary>Converts a <c>level</c> value to a linear amplitude factor.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Level outside −1…1 or not a number.</exception>
    public static float FromLevel(double level)
    {
        if (double.IsNaN(level) || level < -1 || level > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "level must be between -1 and 1");
        }
        return (float)(1 + level);
    }

    /// <summary>Converts decibels to a linear amplitude factor.</summary>
    public static float FromDecibels(double db) => (float)Math.Pow(10, db / 20);

    /// <summary>Scales samples in place by <paramref name="factor"/>, saturating at the 16-bit limits.</summary>
    public static void Apply(Span<short> samples, float factor)
    {
        if (factor == 1f)
        {
            return;
        }
        if (factor == 0f)
        {
            samples.Clear();
            return;
        }
        // Fixed point Q15 multiply keeps the loop integer-only.
        var q = (int)MathF.Round(factor * 32768f);
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = Pcm16.Saturate((samples[i] * q + 16384) >> 15);
        }
    }

    /// <summary>Applies the NCCO <c>level</c> to samples in place.</summary>
    public static void ApplyLevel(Span<short> samples, double level) => Apply(samples, FromLevel(level));
}
