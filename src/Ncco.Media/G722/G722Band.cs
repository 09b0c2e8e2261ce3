namespace Ncco.Media.G722;

/// <summary>
/// The adaptive state of one G.722 sub-band: the log scale factor and step size (blocks 3L/3H) and the pole-zero
/// predictor (block 4). Encoder and decoder run identical copies so their predictions never drift apart.
/// </summary>
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
    private int _r1, _r2;
    private int _p1, _p2;
    private int _b1, _b2, _b3, _b4, _b5, _b6;
    private int _d1, _d2, _d3, _d4, _d5, _d6;

    public G722Band(int initialStep)
    {
        this = default;
        Step = initialStep;
    }

    /// <summary>Adapts the log scale factor and recomputes the step (LOGSCL + SCALEL / LOGSCH + SCALEH).</summary>
    /// <param name="increment">W_L or W_H for the code just produced.</param>
    /// <param name="limit">18432 (low band) or 22528 (high band).</param>
    /// <param name="exponentBias">8 (low band) or 10 (high band).</param>
    public void AdaptScale(int increment, int limit, int exponentBias)
    {
        // Leaky integrator: (127/128)·NB + W, kept within the Recommendation's range.
        var nb = ((LogScale * 127) >> 7) + increment;
        LogScale = Math.Clamp(nb, 0, limit);
        var fraction = G722Tables.InverseLog[(LogScale >> 6) & 31];
        var shift = exponentBias - (LogScale >> 11);
        Step = (shift < 0 ? fraction << -shift : fraction >> shift) << 2;
    }

    /// <summary>Block 4: reconstruct, update the pole and zero coefficients with the quantised difference, predict.</summary>
    public void Update(int d)
    {
        var r0 = Sat(Prediction + d);
        var p0 = Sat(_zeroPrediction + d);

        // UPPOL2: second pole coefficient, sign-sign gradient with leakage, |a2| ≤ 0.75.
        var sg0 = p0 >> 15;
        var sg1 = _p1 >> 15;
        var sg2 = _p2 >> 15;
        var wd1 = Sat(_a1 << 2);
        var wd2 = sg0 == sg1 ? -wd1 : wd1;
        if (wd2 > 32767)
        {
            wd2 = 32767;
        }
        var wd3 = (sg0 == sg2 ? 128 : -128) + (wd2 >> 7) + ((_a2 * 32512) >> 15);
        var a2 = Math.Clamp(wd3, -12288, 12288);

        // UPPOL1: first pole coefficient, constrained by a2 for stability.
        var a1 = Sat((sg0 == sg1 ? 192 : -192) + ((_a1 * 32640) >> 15));
        var bound = Sat(15360 - a2);
        a1 = Math.Clamp(a1, -bound, bound);

        // UPZERO: six zero coefficients, sign-sign against the delayed differences.
        var step = d == 0 ? 0 : 128;
        var sd = d >> 15;
        var b1 = Sat(((_d1 >> 15) == sd ? step : -step) + ((_b1 * 32640) >> 15));
        var b2 = Sat(((_d2 >> 15) == sd ? step : -step) + ((_b2 * 32640) >> 15));
        var b3 = Sat(((_d3 >> 15) == sd ? step : -step) + ((_b3 * 32640) >> 15));
        var b4 = Sat(((_d4 >> 15) == sd ? step : -step) + ((_b4 * 32640) >> 15));
        var b5 = Sat(((_d5 >> 15) == sd ? step : -step) + ((_b5 * 32640) >> 15));
        var b6 = Sat(((_d6 >> 15) == sd ? step : -step) + ((_b6 * 32640) >> 15));

        // DELAYA: shift the delay lines.
        _d6 = _d5; _d5 = _d4; _d4 = _d3; _d3 = _d2; _d2 = _d1; _d1 = d;
        _b1 = b1; _b2 = b2; _b3 = b3; _b4 = b4; _b5 = b5; _b6 = b6;
        _r2 = _r1; _r1 = r0;
        _p2 = _p1; _p1 = p0;
        _a1 = a1; _a2 = a2;

        // FILTEP + FILTEZ + PREDIC.
        var sp = Sat(((_a1 * Sat(_r1 + _r1)) >> 15) + ((_a2 * Sat(_r2 + _r2)) >> 15));
        var sz = ((_b1 * Sat(_d1 + _d1)) >> 15) + ((_b2 * Sat(_d2 + _d2)) >> 15) + ((_b3 * Sat(_d3 + _d3)) >> 15)
            + ((_b4 * Sat(_d4 + _d4)) >> 15) + ((_b5 * Sat(_d5 + _d5)) >> 15) + ((_b6 * Sat(_d6 + _d6)) >> 15);
        _zeroPrediction = Sat(sz);
        Prediction = Sat(sp + _zeroPrediction);
    }

    /// <summary>Saturates to the 16-bit range, as every adder of the Recommendation does.</summary>
    public static int Sat(int value) => Math.Clamp(value, short.MinValue, short.MaxValue);
}
