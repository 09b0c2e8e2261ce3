namespace Ncco.Media.G711;

/// <summary>ITU-T G.711 µ-law (PCMU, RTP payload type 0) encoder and decoder. Allocation-free span APIs.</summary>
public static class MuLaw
{
    private const int Bias = 0x84;
    private const int Clip = 32635;
    private static readonly short[] DecodeTable = BuildDecodeTable();

    // The code of every 16-bit sample, indexed by the sample's bits (64 KB): a lookup per sample instead of a branchy
    // exponent search. µ-law's bias carries out of the low bits, so unlike A-law no shorter index gives the same codes.
    // Filled from Compute, so it is the same code by construction (G711 tests check all 65,536 samples).
    private static readonly byte[] EncodeTable = BuildEncodeTable();

    /// <summary>Encodes one 16-bit linear sample to a µ-law byte.</summary>
    public static byte Encode(short sample) => EncodeTable[(ushort)sample];

    private static byte Compute(short sample)
    {
        int pcm = sample;
        var sign = (pcm >> 8) & 0x80;
        if (sign != 0)
        {
            pcm = -pcm;
        }
        if (pcm > Clip)
        {
            pcm = Clip;
        }
        pcm += Bias;
        var exponent = 7;
        for (var mask = 0x4000; (pcm & mask) == 0 && exponent > 0; mask >>= 1)
        {
            exponent--;
        }
        var mantissa = (pcm >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    /// <summary>Decodes one µ-law byte to a 16-bit linear sample.</summary>
    public static short Decode(byte value) => DecodeTable[value];

    /// <summary>Encodes samples; <paramref name="destination"/> must hold <c>samples.Length</c> bytes.</summary>
    public static void Encode(ReadOnlySpan<short> samples, Span<byte> destination)
    {
        if (destination.Length < samples.Length)
        {
            throw new ArgumentException("destination too small", nameof(destination));
        }
        var table = EncodeTable;
        for (var i = 0; i < samples.Length; i++)
        {
            destination[i] = table[(ushort)samples[i]];
        }
    }

    /// <summary>Decodes bytes; <paramref name="destination"/> must hold <c>encoded.Length</c> samples.</summary>
    public static void Decode(ReadOnlySpan<byte> encoded, Span<short> destination)
    {
        if (destination.Length < encoded.Length)
        {
            throw new ArgumentException("destination too small", nameof(destination));
        }
        var table = DecodeTable;
        for (var i = 0; i < encoded.Length; i++)
        {
            destination[i] = table[encoded[i]];
        }
    }

    private static byte[] BuildEncodeTable()
    {
        var table = new byte[65536];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = Compute((short)i);
        }
        return table;
    }

    private static short[] BuildDecodeTable()
    {
        var table = new short[256];
        for (var i = 0; i < 256; i++)
        {
            var u = ~i & 0xFF;
            var sign = u & 0x80;
            var exponent = (u >> 4) & 0x07;
            var mantissa = u & 0x0F;
            var magnitude = (((mantissa << 3) + Bias) << exponent) - Bias;
            table[i] = (short)(sign != 0 ? -magnitude : magnitude);
        }
        return table;
    }
}
