using static Ncco.Media.G722.G722Tables;

namespace Ncco.Media.Tests.G722;

/// <summary>
/// Issue 19 oracle: the G.722 64 kbit/s encoder and decoder as the library had them before their inner loops were
/// restructured for speed, kept here in the plainest form (a sliding QMF window, a linear scan of the quantiser's
/// decision levels, one method per block of the Recommendation, every sign test written as a comparison). The library
/// must produce exactly these bytes and samples; this copy is never optimised. The Recommendation's constant tables
/// are the library's own (<c>G722Tables</c>): what is kept apart is the algorithm; the tables' values are pinned by
/// <c>G722Tests</c>' output hashes, taken before either changed.
/// </summary>
internal sealed class G722ReferenceCodec
{
    private readonly QmfSlidingWindow _window = new();
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

    private (int Even, int Odd) Push(int older, int newer) => _window.Push(older, newer);

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
