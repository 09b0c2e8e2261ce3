namespace Ncco.Media.G711;

/// <summary>ITU-T G.711 A-law (PCMA, RTP payload type 8) encoder and decoder. Allocation-free span APIs.</summary>
public static class ALaw
{
    private static readonly short[] DecodeTable = BuildDecodeTable();

    // A-law keeps 13 bits (the sample shifted right by 3, sign included), so the code of every sample is one of 8,192
    // entries indexed by those bits: a lookup per sample instead of a branchy segment search (8 KB, stays in L1 across
    // a tick's legs). Filled from Compute, so it is the same code by construction (G711 tests check all 65,536 samples).
    private static readonly byte[] EncodeTable = BuildEncodeTable();

    /// <summary>Encodes one 16-bit linear sample to an A-law byte.</summary>
    public static byte Encode(short sample) => EncodeTable[(ushort)sample >> 3];

    private static byte Compute(short sample)
    {
        int pcm = sample;
        int mask;
        if (pcm >= 0)
        {
            mask = 0xD5;
        }
        else
        {
            mask = 0x55;
            pcm = -pcm - 1;
        }
        pcm >>= 3; // 13-bit magnitude
        int encoded;
        if (pcm < 32)
        {
            encoded = pcm >> 1;
        }
        else
        {
            var segment = 1;
            for (var v = pcm >> 5; v > 1 && segment < 7; v >>= 1)
            {
                segment++;
            }
            if (pcm >= 4096)
            {
                encoded = 0x7F;
            }
            else
            {
                encoded = (segment << 4) | ((pcm >> segment) & 0x0F);
            }
        }
        return (byte)(encoded ^ mask);
    }

    /// <summary>Decodes one A-law byte to a 16-bit linear sample.</summary>
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
            destination[i] = table[(ushort)samples[i] >> 3];
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
        var table = new byte[8192];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = Compute((short)(i << 3)); // any sample with these top 13 bits has this code
        }
        return table;
    }

    private static short[] BuildDecodeTable()
    {
        var table = new short[256];
        for (var i = 0; i < 256; i++)
        {
            var a = i ^ 0x55;
            var sign = a & 0x80;
            var exponent = (a >> 4) & 0x07;
            var mantissa = a & 0x0F;
            var magnitude = exponent == 0
                ? (mantissa << 4) + 8
                : ((mantissa << 4) + 0x108) << (exponent - 1);
            table[i] = (short)(sign != 0 ? magnitude : -magnitude);
        }
        return table;
    }
}
