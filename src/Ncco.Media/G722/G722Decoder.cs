using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ncco.Media.G722;

/// <summary>
/// ITU-T G.722 decoder at 64 kbit/s: each byte becomes two 16 kHz samples. Stateful: one instance per stream, not
/// thread-safe. Span APIs do not allocate.
/// </summary>
public sealed class G722Decoder
{
    private readonly G722QmfDelayLine _qmf = new(); // the last 12 reconstructed sub-band pairs
    private G722Band _low = new(32);
    private G722Band _high = new(8);

    /// <summary>Decodes <paramref name="encoded"/>; <paramref name="destination"/> must hold twice as many samples.</summary>
    /// <returns>Samples written.</returns>
    public int Decode(ReadOnlySpan<byte> encoded, Span<short> destination)
    {
        if (destination.Length < encoded.Length * 2)
        {
            throw new ArgumentException($"destination must hold {encoded.Length * 2} samples", nameof(destination));
        }
        // As in the encoder: band states in locals for the frame, stored back once.
        var low = _low;
        var high = _high;
        var qmf = _qmf;
        ref var input = ref MemoryMarshal.GetReference(encoded);
        ref var output = ref MemoryMarshal.GetReference(destination);
        for (var n = 0; n < encoded.Length; n++)
        {
            int value = Unsafe.Add(ref input, n);
            var lowCode = value & 0x3F;
            var highCode = value >> 6;

            // Lower band: the output uses all 6 bits, the predictor only the 4 most significant (as in the encoder).
            var rLow = Math.Min(Math.Max(low.Prediction + ((low.Step * G722Tables.LowInverse6[lowCode]) >> 15), -16384), 16383);
            var code4 = lowCode >> 2;
            var dlt = (low.Step * G722Tables.LowInverse4[code4]) >> 15;
            low.AdaptScale(G722Tables.LowLogIncrementByCode[code4], 18432, G722Tables.LowStep);
            low.Update(dlt);

            var dh = (high.Step * G722Tables.HighInverse[highCode]) >> 15;
            var rHigh = Math.Min(Math.Max(high.Prediction + dh, -16384), 16383);
            high.AdaptScale(G722Tables.HighLogIncrementByCode[highCode], 22528, G722Tables.HighStep);
            high.Update(dh);

            // Receive QMF: interpolate by 2 and recombine the sub-bands.
            var (second, first) = qmf.Push(rLow + rHigh, rLow - rHigh);
            Unsafe.Add(ref output, 2 * n) = (short)G722Band.Sat(first >> 11);
            Unsafe.Add(ref output, (2 * n) + 1) = (short)G722Band.Sat(second >> 11);
        }
        _low = low;
        _high = high;
        return encoded.Length * 2;
    }
}
