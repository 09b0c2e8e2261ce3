namespace Ncco.Media.Tests.G722;

/// <summary>
/// Issue 19 oracle: the G.722 64 kbit/s encoder and decoder as the library had them before their inner loops were
/// restructured for speed, kept here in the plainest form (a sliding QMF window, a linear scan of the quantiser's
/// decision levels, one method per block of the Recommendation, every sign test written as a comparison). The library
/// must produce exactly these bytes and samples; this copy is never optimised.
/// </summary>
internal sealed class G722ReferenceCodec
{
    private static readonly int[] Qmf =
    [
        3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876,
        3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3,
    ];

    private static readonly int[] LowDecision =
    [
        0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714,
        786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919,
    ];

    private static readonly int[] LowCodeNegative =
    [
        0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19,
        18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4,
    ];

    private static readonly int[] LowCodePositive =
    [
        0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47,
        46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32,
    ];

    private static readonly int[] LowInverse6 =
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

    private static readonly int[] LowInverse4 =
    [
        0, -20456, -12896, -8968, -6288, -4240, -2584, -1200,
        20456, 12896, 8968, 6288, 4240, 2584, 1200, 0,
    ];

    private static readonly int[] LowMagnitudeIndex = [0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0];
    private static readonly int[] LowLogIncrement = [-60, -30, 58, 172, 334, 538, 1198, 3042];
    private static readonly int[] HighInverse = [-7408, -1616, 7408, 1616];
    private static readonly int[] HighMagnitudeIndex = [2, 1, 2, 1];
    private static readonly int[] HighLogIncrement = [0, -214, 798];

    private static readonly int[] InverseLog =
    [
        2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
        2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
    ];

    private readonly int[] _window = new int[24];
    private Band _low = new() { Step = 32 };
    private Band _high = new() { Step = 8 };

    public byte[] Encode(ReadOnlySpan<short> samples)
    {
        var output = new byte[samples.Length / 2];
        for (var n = 0; n < output.Length; n++)
        {
            var (even, odd) = Push(samples[2 * n], samples[2 * n + 1]);
            var xLow = (odd + even) >> 14;
            var xHigh = (odd - even) >> 14;
            output[n] = (byte)((EncodeHigh(xHigh) << 6) | EncodeLow(xLow));
        }
        return output;
    }

    public short[] Decode(ReadOnlySpan<byte> encoded)
    {
        var output = new short[encoded.Length * 2];
        for (var n = 0; n < encoded.Length; n++)
        {
            var lowCode = encoded[n] & 0x3F;
            var highCode = encoded[n] >> 6;
            var rLow = Math.Clamp(_low.Prediction + ((_low.Step * LowInverse6[lowCode]) >> 15), -16384, 16383);
            var code4 = lowCode >> 2;
            var dlt = (_low.Step * LowInverse4[code4]) >> 15;
            _low.AdaptScale(LowLogIncrement[LowMagnitudeIndex[code4]], 18432, 8);
            _low.Update(dlt);

            var dh = (_high.Step * HighInverse[highCode]) >> 15;
            var rHigh = Math.Clamp(_high.Prediction + dh, -16384, 16383);
            _high.AdaptScale(HighLogIncrement[HighMagnitudeIndex[highCode]], 22528, 10);
            _high.Update(dh);

            var (second, first) = Push(rLow + rHigh, rLow - rHigh);
            output[2 * n] = (short)Math.Clamp(first >> 11, short.MinValue, short.MaxValue);
            output[2 * n + 1] = (short)Math.Clamp(second >> 11, short.MinValue, short.MaxValue);
        }
        return output;
    }

    private (int Even, int Odd) Push(int older, int newer)
    {
        Array.Copy(_window, 2, _window, 0, 22);
        _window[22] = older;
        _window[23] = newer;
        int even = 0, odd = 0;
        for (var i = 0; i < 24; i += 2)
        {
            even = unchecked(even + (_window[i] * Qmf[i]));
            odd = unchecked(odd + (_window[i + 1] * Qmf[i + 1]));
        }
        return (even, odd);
    }

    private int EncodeLow(int xLow)
    {
        var el = Band.Sat(xLow - _low.Prediction);
        var magnitude = el >= 0 ? el : -(el + 1);
        var interval = 30;
        for (var i = 1; i < 30; i++)
        {
            if (magnitude < (LowDecision[i] * _low.Step) >> 12)
            {
                interval = i;
                break;
            }
        }
        var code = el < 0 ? LowCodeNegative[interval] : LowCodePositive[interval];
        var code4 = code >> 2;
        var dlt = (_low.Step * LowInverse4[code4]) >> 15;
        _low.AdaptScale(LowLogIncrement[LowMagnitudeIndex[code4]], 18432, 8);
        _low.Update(dlt);
        return code;
    }

    private int EncodeHigh(int xHigh)
    {
        var eh = Band.Sat(xHigh - _high.Prediction);
        var magnitude = eh >= 0 ? eh : -(eh + 1);
        var large = magnitude >= (564 * _high.Step) >> 12;
        var code = eh < 0 ? (large ? 0 : 1) : (large ? 2 : 3);
        var dh = (_high.Step * HighInverse[code]) >> 15;
        _high.AdaptScale(HighLogIncrement[HighMagnitudeIndex[code]], 22528, 10);
        _high.Update(dh);
        return code;
    }

    private struct Band
    {
        public int Prediction;
        public int Step;
        public int LogScale;
        private int _zeroPrediction;
        private int _a1, _a2;
        private int _r1, _r2;
        private int _p1, _p2;
        private readonly int[] _b = new int[6];
        private readonly int[] _d = new int[6];

        public Band()
        {
        }

        public static int Sat(int value) => Math.Clamp(value, short.MinValue, short.MaxValue);

        public void AdaptScale(int increment, int limit, int exponentBias)
        {
            LogScale = Math.Clamp(((LogScale * 127) >> 7) + increment, 0, limit);
            var fraction = InverseLog[(LogScale >> 6) & 31];
            var shift = exponentBias - (LogScale >> 11);
            Step = (shift < 0 ? fraction << -shift : fraction >> shift) << 2;
        }

        public void Update(int d)
        {
            var r0 = Sat(Prediction + d);
            var p0 = Sat(_zeroPrediction + d);

            var sg0 = p0 >> 15;
            var sg1 = _p1 >> 15;
            var sg2 = _p2 >> 15;
            var wd1 = Sat(_a1 << 2);
            var wd2 = sg0 == sg1 ? -wd1 : wd1;
            if (wd2 > 32767)
            {
                wd2 = 32767;
            }
            var a2 = Math.Clamp((sg0 == sg2 ? 128 : -128) + (wd2 >> 7) + ((_a2 * 32512) >> 15), -12288, 12288);
            var a1 = Sat((sg0 == sg1 ? 192 : -192) + ((_a1 * 32640) >> 15));
            var bound = Sat(15360 - a2);
            a1 = Math.Clamp(a1, -bound, bound);

            var step = d == 0 ? 0 : 128;
            for (var i = 0; i < 6; i++)
            {
                _b[i] = Sat(((_d[i] >> 15) == (d >> 15) ? step : -step) + ((_b[i] * 32640) >> 15));
            }
            for (var i = 5; i > 0; i--)
            {
                _d[i] = _d[i - 1];
            }
            _d[0] = d;
            _r2 = _r1;
            _r1 = r0;
            _p2 = _p1;
            _p1 = p0;
            _a1 = a1;
            _a2 = a2;

            var sp = Sat(((_a1 * Sat(_r1 + _r1)) >> 15) + ((_a2 * Sat(_r2 + _r2)) >> 15));
            var sz = 0;
            for (var i = 0; i < 6; i++)
            {
                sz += (_b[i] * Sat(_d[i] + _d[i])) >> 15;
            }
            _zeroPrediction = Sat(sz);
            Prediction = Sat(sp + _zeroPrediction);
        }
    }
}
