using Ncco.Media.G711;

namespace Ncco.Media.Tests.G711;

/// <summary>
/// The encoders look codes up in tables (a lookup per sample on every leg's every frame); these pin every one of the
/// 65,536 samples to the ITU-T G.711 formulas the encoders computed before, one sample at a time and through the span API.
/// </summary>
public class G711EncodeTableTests
{
    [Fact]
    public void A_law_table_gives_the_formula_code_for_every_sample()
    {
        var samples = AllSamples();
        var encoded = new byte[samples.Length];
        ALaw.Encode(samples, encoded);
        for (var i = 0; i < samples.Length; i++)
        {
            var expected = ALawFormula(samples[i]);
            Assert.Equal(expected, ALaw.Encode(samples[i]));
            Assert.Equal(expected, encoded[i]);
        }
    }

    [Fact]
    public void Mu_law_table_gives_the_formula_code_for_every_sample()
    {
        var samples = AllSamples();
        var encoded = new byte[samples.Length];
        MuLaw.Encode(samples, encoded);
        for (var i = 0; i < samples.Length; i++)
        {
            var expected = MuLawFormula(samples[i]);
            Assert.Equal(expected, MuLaw.Encode(samples[i]));
            Assert.Equal(expected, encoded[i]);
        }
    }

    [Fact]
    public void Span_encoders_refuse_a_short_destination()
    {
        Assert.Throws<ArgumentException>(() => ALaw.Encode(new short[4], new byte[3]));
        Assert.Throws<ArgumentException>(() => MuLaw.Encode(new short[4], new byte[3]));
    }

    private static short[] AllSamples()
    {
        var samples = new short[65536];
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)(i + short.MinValue);
        return samples;
    }

    // G.711 A-law: 13-bit magnitude (one's complement for negatives), segment = position of the top bit, 4 mantissa bits, even bits inverted.
    private static byte ALawFormula(short sample)
    {
        int pcm = sample;
        var mask = 0xD5;
        if (pcm < 0)
        {
            mask = 0x55;
            pcm = -pcm - 1;
        }
        pcm >>= 3;
        if (pcm >= 4096) return (byte)(0x7F ^ mask);
        if (pcm < 32) return (byte)((pcm >> 1) ^ mask);
        var segment = 1;
        for (var v = pcm >> 5; v > 1; v >>= 1) segment++;
        return (byte)(((segment << 4) | ((pcm >> segment) & 0x0F)) ^ mask);
    }

    // G.711 µ-law: magnitude clipped to 32635, bias 0x84, exponent = position of the top bit, 4 mantissa bits, all bits inverted.
    private static byte MuLawFormula(short sample)
    {
        int pcm = sample;
        var sign = 0;
        if (pcm < 0)
        {
            sign = 0x80;
            pcm = -pcm;
        }
        pcm = Math.Min(pcm, 32635) + 0x84;
        var exponent = 7;
        while (exponent > 0 && (pcm & (0x80 << exponent)) == 0) exponent--;
        return (byte)~(sign | (exponent << 4) | ((pcm >> (exponent + 3)) & 0x0F));
    }
}
