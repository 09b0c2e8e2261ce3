using Ncco.Media.G722;

namespace Ncco.Media.Tests.G722;

/// <summary>
/// Issue 19: the encoder and decoder loops were rewritten for speed (branch-free predictor updates, a vector search of
/// the quantiser's decision levels, band state in locals). G.722 is an integer algorithm, so every byte and sample must
/// equal those of <see cref="G722ReferenceCodec"/>, the implementation as it was before, over long signals that
/// exercise every code, saturation and the scale factors' limits. Only the 64 kbit/s mode exists (the decoder always
/// uses all six lower-band bits), so that is the mode compared.
/// </summary>
public sealed class G722BitExactnessTests
{
    private const int Rate = 16000;

    public static TheoryData<string> Signals() => ["noise", "speech", "loud-speech", "clipped-square", "random-walk", "bursts", "silence"];

    [Theory]
    [MemberData(nameof(Signals))]
    public void Encoder_bytes_equal_the_reference_on_long_signals(string signal)
    {
        var source = Make(signal, Rate * 30);
        var expected = new G722ReferenceCodec().Encode(source);
        // Odd-sized frames as well as 20 ms ones: state must carry across calls of any length.
        foreach (var frame in new[] { 320, 2, 962 })
        {
            var actual = Encode(source, frame);
            AssertSame(expected, actual, $"{signal}, frames of {frame} samples");
        }
    }

    [Theory]
    [InlineData("noise")]
    [InlineData("speech")]
    [InlineData("loud-speech")]
    public void Encoder_without_vectors_gives_the_same_bytes(string signal)
    {
        // Where the CPU has no 256-bit vectors the quantiser falls back to a binary search: the same intervals.
        var source = Make(signal, Rate * 10);
        var encoder = new G722Encoder { UseVectors = false };
        var actual = new byte[source.Length / 2];
        encoder.Encode(source, actual);
        AssertSame(new G722ReferenceCodec().Encode(source), actual, $"{signal} without vectors");
    }

    [Theory]
    [MemberData(nameof(Signals))]
    public void Decoder_samples_equal_the_reference_on_the_encoded_signals(string signal)
    {
        var encoded = new G722ReferenceCodec().Encode(Make(signal, Rate * 30));
        var expected = new G722ReferenceCodec().Decode(encoded);
        foreach (var frame in new[] { 160, 1, 481 })
        {
            AssertSame(expected, Decode(encoded, frame), $"{signal}, frames of {frame} bytes");
        }
    }

    [Fact]
    public void Decoder_samples_equal_the_reference_on_arbitrary_bytes()
    {
        // Random bytes reach codes an encoder never sends (lower-band codes 0–3) and drive the predictors hard; runs of
        // one code push the scale factors to their limits.
        var random = new Random(1922);
        var encoded = new byte[Rate * 30];
        random.NextBytes(encoded);
        for (var i = 0; i < encoded.Length; i += 4000)
        {
            var code = (byte)random.Next(256);
            encoded.AsSpan(i, Math.Min(1500, encoded.Length - i)).Fill(code);
        }
        AssertSame(new G722ReferenceCodec().Decode(encoded), Decode(encoded, 160), "random bytes");
    }

    private static byte[] Encode(short[] source, int frame)
    {
        var encoder = new G722Encoder();
        var encoded = new byte[source.Length / 2];
        for (var offset = 0; offset < source.Length; offset += frame)
        {
            var length = Math.Min(frame, source.Length - offset);
            Assert.Equal(length / 2, encoder.Encode(source.AsSpan(offset, length), encoded.AsSpan(offset / 2)));
        }
        return encoded;
    }

    private static short[] Decode(byte[] encoded, int frame)
    {
        var decoder = new G722Decoder();
        var decoded = new short[encoded.Length * 2];
        for (var offset = 0; offset < encoded.Length; offset += frame)
        {
            var length = Math.Min(frame, encoded.Length - offset);
            Assert.Equal(length * 2, decoder.Decode(encoded.AsSpan(offset, length), decoded.AsSpan(offset * 2)));
        }
        return decoded;
    }

    private static void AssertSame<T>(T[] expected, T[] actual, string what)
        where T : IEquatable<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (!expected[i].Equals(actual[i]))
            {
                Assert.Fail($"{what}: first difference at {i}: expected {expected[i]}, got {actual[i]}");
            }
        }
    }

    private static short[] Make(string signal, int count)
    {
        var random = new Random((signal.Length * 131) + signal[0]); // fixed seeds (string hashes vary per process)
        var samples = new short[count];
        double phase = 0, walk = 0;
        for (var i = 0; i < count; i++)
        {
            var t = (double)i / Rate;
            double value = signal switch
            {
                "noise" => random.Next(short.MinValue, short.MaxValue + 1),
                "speech" or "loud-speech" => Speech(t, ref phase) * (signal == "speech" ? 2500 : 12000) + ((random.NextDouble() - 0.5) * 300),
                "clipped-square" => Math.Sin(2 * Math.PI * 230 * t) * 60000,
                "random-walk" => walk = Math.Clamp(walk + ((random.NextDouble() - 0.5) * 4000), -40000, 40000),
                "bursts" => (i / 1600 % 3 == 0 ? 0 : 1) * (Math.Sin(2 * Math.PI * 5300 * t) * 20000 + ((random.NextDouble() - 0.5) * 8000)),
                _ => 0,
            };
            samples[i] = (short)Math.Clamp(value, short.MinValue, short.MaxValue);
        }
        return samples;
    }

    private static double Speech(double t, ref double phase)
    {
        // A voiced source with wandering pitch through two moving formants, under a syllable-rate envelope.
        var pitch = 150 + (60 * Math.Sin(2 * Math.PI * 0.7 * t));
        phase += 2 * Math.PI * pitch / Rate;
        var f1 = 500 + (250 * Math.Sin(2 * Math.PI * 1.3 * t));
        var f2 = 1500 + (700 * Math.Sin(2 * Math.PI * 0.9 * t));
        double value = 0;
        for (var h = 1; h * pitch < Rate / 2.2; h++)
        {
            var f = h * pitch;
            value += (1.0 / h) * (1 + (3 * Math.Exp(-Math.Pow((f - f1) / 150, 2))) + (2 * Math.Exp(-Math.Pow((f - f2) / 250, 2)))) * Math.Sin(h * phase);
        }
        return value * (0.55 + (0.45 * Math.Sin(2 * Math.PI * 4 * t)));
    }
}
