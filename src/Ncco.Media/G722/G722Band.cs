using System.Runtime.CompilerServices;

namespace Ncco.Media.G722;

/// <summary>
/// The adaptive state of one G.722 sub-band: the log scale factor and step size (blocks 3L/3H) and the pole-zero
/// predictor (block 4). Encoder and decoder run identical copies so their predictions never drift apart.
/// </summary>
/// <remarks>
/// Issue 19: the codec's frame loops copy this struct into a local, run every sample on the copy and store it back
/// once, and every method is inlined into those loops. The sign-sign updates are written without branches: the signs
/// of speech differences are close to random, so a branch per tap was mostly a misprediction. The delayed differences
/// and reconstructed values are kept doubled and saturated, the form the predictor multiplies, which has the same sign.
/// </remarks>
internal struct G722Band
{
    /// <summary>Predicted signal value (s), input to the next difference/reconstruction.</summary>
    public int Prediction;

    /// <summary>Quantiser step size (DET).</summary>
    public int Step;

    /// <summary>Log scale factor (NBL/NBH).</summary>
    public int LogScale;

    private int _zeroPrediction;
    private int _a1, _a2;
    private int _r1x2, _r2x2; // Sat(2r) of the last two reconstructed values
    private int _p1, _p2;
    private int _b1, _b2, _b3, _b4, _b5, _b6;
    private int _d1x2, _d2x2, _d3x2, _d4x2, _d5x2, _d6x2; // Sat(2d) of the last six quantised differences

    public G722Band(int initialStep)
    {
        this = default;
        Step = initialStep;
    }

    /// <summary>Adapts the log scale factor and looks up the step (LOGSCL + SCALEL / LOGSCH + SCALEH).</summary>
    /// <param name="increment">W_L or W_H for the code just produced.</param>
    /// <param name="limit">18432 (low band) or 22528 (high band).</param>
    /// <param name="steps"><see cref="G722Tables.LowStep"/> or <see cref="G722Tables.HighStep"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AdaptScale(int increment, int limit, ReadOnlySpan<int> steps)
    {
        // Leaky integrator: (127/128)·NB + W, kept within the Recommendation's range.
        var nb = Math.Min(Math.Max(((LogScale * 127) >> 7) + increment, 0), limit);
        LogScale = nb;
        Step = steps[nb >> 6];
    }

    /// <summary>Block 4: reconstruct, update the pole and zero coefficients with the quantised difference, predict.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Update(int d)
    {
        var r0x2 = Sat(2 * Sat(Prediction + d));
        var p0 = Sat(_zeroPrediction + d);

        // UPPOL2: second pole coefficient, sign-sign gradient with leakage, |a2| ≤ 0.75. A mask is -1 where two signs
        // differ; (x ^ m) - m is then x where they agree and -x where they differ.
        var differ1 = (p0 ^ _p1) >> 31;
        var differ2 = (p0 ^ _p2) >> 31;
        var wd1 = Sat(_a1 << 2);
        var wd2 = Math.Min((wd1 ^ ~differ1) - ~differ1, 32767);
        var a2 = Math.Min(Math.Max(((128 ^ differ2) - differ2) + (wd2 >> 7) + ((_a2 * 32512) >> 15), -12288), 12288);

        // UPPOL1: first pole coefficient, constrained by a2 for stability (15360 - a2 needs no saturation: |a2| ≤ 12288).
        var bound = 15360 - a2;
        var a1 = Math.Min(Math.Max(Sat(((192 ^ differ1) - differ1) + ((_a1 * 32640) >> 15)), -bound), bound);

        // UPZERO: six zero coefficients, sign-sign against the delayed differences; no step at all when d is 0.
        var dx2 = Sat(2 * d);
        var step = ((dx2 | -dx2) >> 31) & 128;
        var m1 = (_d1x2 ^ dx2) >> 31;
        var m2 = (_d2x2 ^ dx2) >> 31;
        var m3 = (_d3x2 ^ dx2) >> 31;
        var m4 = (_d4x2 ^ dx2) >> 31;
        var m5 = (_d5x2 ^ dx2) >> 31;
        var m6 = (_d6x2 ^ dx2) >> 31;
        var b1 = Sat(((step ^ m1) - m1) + ((_b1 * 32640) >> 15));
        var b2 = Sat(((step ^ m2) - m2) + ((_b2 * 32640) >> 15));
        var b3 = Sat(((step ^ m3) - m3) + ((_b3 * 32640) >> 15));
        var b4 = Sat(((step ^ m4) - m4) + ((_b4 * 32640) >> 15));
        var b5 = Sat(((step ^ m5) - m5) + ((_b5 * 32640) >> 15));
        var b6 = Sat(((step ^ m6) - m6) + ((_b6 * 32640) >> 15));

        // DELAYA + FILTEZ: shift the differences; the new d meets the new b1.
        var d2x2 = _d1x2;
        var d3x2 = _d2x2;
        var d4x2 = _d3x2;
        var d5x2 = _d4x2;
        var d6x2 = _d5x2;
        var sz = Sat(((b1 * dx2) >> 15) + ((b2 * d2x2) >> 15) + ((b3 * d3x2) >> 15)
            + ((b4 * d4x2) >> 15) + ((b5 * d5x2) >> 15) + ((b6 * d6x2) >> 15));
        _d6x2 = d6x2; _d5x2 = d5x2; _d4x2 = d4x2; _d3x2 = d3x2; _d2x2 = d2x2; _d1x2 = dx2;
        _b1 = b1; _b2 = b2; _b3 = b3; _b4 = b4; _b5 = b5; _b6 = b6;

        // FILTEP + PREDIC.
        var sp = Sat(((a1 * r0x2) >> 15) + ((a2 * _r1x2) >> 15));
        _r2x2 = _r1x2; _r1x2 = r0x2;
        _p2 = _p1; _p1 = p0;
        _a1 = a1; _a2 = a2;
        _zeroPrediction = sz;
        Prediction = Sat(sp + sz);
    }

    /// <summary>Saturates to the 16-bit range, as every adder of the Recommendation does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Sat(int value) => Math.Min(Math.Max(value, short.MinValue), short.MaxValue);
}
