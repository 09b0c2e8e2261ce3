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
        for (var n = 0; n < encoded.Length; n++)
        {
            int value = encoded[n];
            var lowCode = value & 0x3F;
            var highCode = value >> 6;

            // Lower band: the output uses all 6 bits, the predictor only the 4 most significant (as in the encoder).
            var rLow = Math.Clamp(_low.Prediction + ((_low.Step * G722Tables.LowInverse6[lowCode]) >> 15), -16384, 16383);
            var code4 = lowCode >> 2;
            var dlt = (_low.Step * G722Tables.LowInverse4[code4]) >> 15;
            _low.AdaptScale(G722Tables.LowLogIncrement[G722Tables.LowMagnitudeIndex[code4]], 18432, 8);
            _low.Update(dlt);

            var dh = (_high.Step * G722Tables.HighInverse[highCode]) >> 15;
            var rHigh = Math.Clamp(_high.Prediction + dh, -16384, 16383);
            _high.AdaptScale(G722Tables.HighLogIncrement[G722Tables.HighMagnitudeIndex[highCode]], 22528, 10);
            _high.Update(dh);

            // Receive QMF: interpolate by 2 and recombine the sub-bands.
            var (second, first) = _qmf.Push(rLow + rHigh, rLow - rHigh);
            destination[2 * n] = (short)Math.Clamp(first >> 11, short.MinValue, short.MaxValue);
            destination[2 * n + 1] = (short)Math.Clamp(second >> 11, short.MinValue, short.MaxValue);
        }
        return encoded.Length * 2;
    }
}
