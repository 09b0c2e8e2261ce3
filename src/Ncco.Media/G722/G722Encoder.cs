namespace Ncco.Media.G722;

/// <summary>
/// ITU-T G.722 encoder at 64 kbit/s: 16 kHz linear PCM in, one byte per pair of samples out (2 high-band bits over 6
/// low-band bits). A QMF splits the signal into two 8 kHz sub-bands that are each coded with backward-adaptive ADPCM.
/// Stateful: one instance per stream, not thread-safe. Span APIs do not allocate.
/// </summary>
public sealed class G722Encoder
{
    private readonly G722QmfDelayLine _qmf = new(); // the last 24 input samples
    private G722Band _low = new(32);
    private G722Band _high = new(8);

    /// <summary>Bytes produced for <paramref name="sampleCount"/> input samples (two samples per byte).</summary>
    public static int EncodedLength(int sampleCount) => sampleCount / 2;

    /// <summary>Encodes an even number of 16 kHz samples; <paramref name="destination"/> must hold half as many bytes.</summary>
    /// <returns>Bytes written.</returns>
    public int Encode(ReadOnlySpan<short> samples, Span<byte> destination)
    {
        if ((samples.Length & 1) != 0)
        {
            throw new ArgumentException("G.722 encodes sample pairs: the sample count must be even", nameof(samples));
        }
        var count = samples.Length / 2;
        if (destination.Length < count)
        {
            throw new ArgumentException($"destination must hold {count} bytes", nameof(destination));
        }
        for (var n = 0; n < count; n++)
        {
            // Transmit QMF: shift two new samples in and compute the two polyphase sums once per pair (decimation by 2).
            var (even, odd) = _qmf.Push(samples[2 * n], samples[2 * n + 1]);
            var xLow = (odd + even) >> 14;
            var xHigh = (odd - even) >> 14;
            destination[n] = (byte)((EncodeHigh(xHigh) << 6) | EncodeLow(xLow));
        }
        return count;
    }

    private int EncodeLow(int xLow)
    {
        // Block 1L: difference against the prediction, quantised with 6 bits relative to the step size.
        var el = G722Band.Sat(xLow - _low.Prediction);
        var magnitude = el >= 0 ? el : -(el + 1);
        // The interval is the first i in 1…29 whose scaled decision level exceeds the magnitude, else 30. The levels
        // rise monotonically, so a binary search finds it in five steps instead of up to 29.
        var decision = G722Tables.LowDecision;
        var step = _low.Step;
        int lo = 1, hi = 30;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (magnitude < (decision[mid] * step) >> 12)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }
        var interval = lo;
        var code = el < 0 ? G722Tables.LowCodeNegative[interval] : G722Tables.LowCodePositive[interval];

        // Blocks 2L–4L run on the 4 most significant bits only (the embedded-coding property).
        var code4 = code >> 2;
        var dlt = (_low.Step * G722Tables.LowInverse4[code4]) >> 15;
        _low.AdaptScale(G722Tables.LowLogIncrement[G722Tables.LowMagnitudeIndex[code4]], 18432, 8);
        _low.Update(dlt);
        return code;
    }

    private int EncodeHigh(int xHigh)
    {
        // Block 1H: 2-bit quantiser, one decision level at 564/4096 of the step size.
        var eh = G722Band.Sat(xHigh - _high.Prediction);
        var magnitude = eh >= 0 ? eh : -(eh + 1);
        var large = magnitude >= (564 * _high.Step) >> 12;
        var code = eh < 0 ? (large ? 0 : 1) : (large ? 2 : 3);
        var dh = (_high.Step * G722Tables.HighInverse[code]) >> 15;
        _high.AdaptScale(G722Tables.HighLogIncrement[G722Tables.HighMagnitudeIndex[code]], 22528, 10);
        _high.Update(dh);
        return code;
    }
}
