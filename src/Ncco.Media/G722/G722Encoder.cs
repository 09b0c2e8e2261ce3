using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

    /// <summary>Whether the lower-band quantiser compares with all levels as vectors (tests compare both paths).</summary>
    internal bool UseVectors { get; init; } = Vector256.IsHardwareAccelerated;

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
        // The band states live in locals for the frame (the JIT keeps them off the heap object and need not reload
        // them after each store to the destination) and go back once at the end.
        var low = _low;
        var high = _high;
        var qmf = _qmf;
        var vectors = Vector256.IsHardwareAccelerated && UseVectors;
        ref var input = ref MemoryMarshal.GetReference(samples);
        ref var output = ref MemoryMarshal.GetReference(destination);
        for (var n = 0; n < count; n++)
        {
            // Transmit QMF: shift two new samples in and compute the two polyphase sums once per pair (decimation by 2).
            var (even, odd) = qmf.Push(Unsafe.Add(ref input, 2 * n), Unsafe.Add(ref input, (2 * n) + 1));
            var lowCode = EncodeLow(ref low, (odd + even) >> 14, vectors);
            var highCode = EncodeHigh(ref high, (odd - even) >> 14);
            Unsafe.Add(ref output, n) = (byte)((highCode << 6) | lowCode);
        }
        _low = low;
        _high = high;
        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int EncodeLow(ref G722Band low, int xLow, bool vectors)
    {
        // Block 1L: difference against the prediction, quantised with 6 bits relative to the step size.
        var el = G722Band.Sat(xLow - low.Prediction);
        var magnitude = el ^ (el >> 31); // el ≥ 0 ? el : -(el + 1)
        var interval = vectors ? Interval(magnitude, low.Step) : IntervalBySearch(magnitude, low.Step);
        var code = G722Tables.LowCode[interval | ((el >> 31) & 32)];

        // Blocks 2L–4L run on the 4 most significant bits only (the embedded-coding property).
        var code4 = code >> 2;
        var dlt = (low.Step * G722Tables.LowInverse4[code4]) >> 15;
        low.AdaptScale(G722Tables.LowLogIncrementByCode[code4], 18432, G722Tables.LowStep);
        low.Update(dlt);
        return code;
    }

    /// <summary>
    /// The interval is the first i in 1…29 whose scaled decision level exceeds the magnitude, else 30. The levels rise
    /// monotonically, so that is one more than the number of levels at or below the magnitude: all 29 are scaled and
    /// compared at once and the comparison bits counted, with no branch to mispredict.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Interval(int magnitude, int step)
    {
        ref var levels = ref MemoryMarshal.GetReference(G722Tables.LowDecisionLanes);
        var s = Vector256.Create(step);
        var m = Vector256.Create(magnitude);
        var below0 = Vector256.LessThanOrEqual(Vector256.ShiftRightArithmetic(Vector256.LoadUnsafe(ref levels) * s, 12), m).ExtractMostSignificantBits();
        var below1 = Vector256.LessThanOrEqual(Vector256.ShiftRightArithmetic(Vector256.LoadUnsafe(ref levels, 8) * s, 12), m).ExtractMostSignificantBits();
        var below2 = Vector256.LessThanOrEqual(Vector256.ShiftRightArithmetic(Vector256.LoadUnsafe(ref levels, 16) * s, 12), m).ExtractMostSignificantBits();
        var below3 = Vector256.LessThanOrEqual(Vector256.ShiftRightArithmetic(Vector256.LoadUnsafe(ref levels, 24) * s, 12), m).ExtractMostSignificantBits();
        var below = below0 | (below1 << 8) | (below2 << 16) | (below3 << 24);
        return 1 + BitOperations.PopCount(below & 0x1FFF_FFFFu);
    }

    /// <summary>The same interval by binary search, where the CPU has no vectors.</summary>
    private static int IntervalBySearch(int magnitude, int step)
    {
        var decision = G722Tables.LowDecision;
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
        return lo;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int EncodeHigh(ref G722Band high, int xHigh)
    {
        // Block 1H: 2-bit quantiser, one decision level at 564/4096 of the step size. Code bit 0 is set for a small
        // difference, bit 1 for a non-negative one: 0 large negative, 1 small negative, 2 large positive, 3 small positive.
        var eh = G722Band.Sat(xHigh - high.Prediction);
        var magnitude = eh ^ (eh >> 31);
        var small = (int)((uint)(magnitude - ((564 * high.Step) >> 12)) >> 31);
        var code = small | (int)((uint)~eh >> 31 << 1);
        var dh = (high.Step * G722Tables.HighInverse[code]) >> 15;
        high.AdaptScale(G722Tables.HighLogIncrementByCode[code], 22528, G722Tables.HighStep);
        high.Update(dh);
        return code;
    }
}
