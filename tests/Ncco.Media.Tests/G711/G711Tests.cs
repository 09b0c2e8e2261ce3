using Ncco.Media.G711;
using Ncco.Media.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Media.Tests.G711;

public class G711Tests
{
    [Fact]
    public void Known_code_points()
    {
        Assert.Equal(0xFF, MuLaw.Encode(0));
        Assert.Equal(0xD5, ALaw.Encode(0));
        Assert.Equal(0, MuLaw.Decode(0xFF));
        Assert.Equal(8, ALaw.Decode(0xD5));
        Assert.Equal(-32124, MuLaw.Decode(0x00));
        Assert.Equal(-32256, ALaw.Decode(0x2A));
    }

    [Fact]
    public void Every_code_decodes_and_reencodes_to_itself()
    {
        for (var b = 0; b < 256; b++)
        {
            var mu = MuLaw.Decode((byte)b);
            // 0x7F and 0xFF both decode to 0 in µ-law (negative and positive zero).
            Assert.Equal(b == 0x7F ? 0xFF : b, MuLaw.Encode(mu));
            Assert.Equal(b, ALaw.Encode(ALaw.Decode((byte)b)));
        }
    }

    [Fact]
    public void Round_trip_signal_to_noise_is_that_of_G711()
    {
        var x = Signals.Sine(1000, 8000, 8000, 12000);
        var enc = new byte[x.Length];
        var dec = new short[x.Length];
        foreach (var law in new[] { "mu", "a" })
        {
            if (law == "mu")
            {
                MuLaw.Encode(x, enc);
                MuLaw.Decode(enc, dec);
            }
            else
            {
                ALaw.Encode(x, enc);
                ALaw.Decode(enc, dec);
            }
            double err = 0, sig = 0;
            for (var i = 0; i < x.Length; i++)
            {
                sig += (double)x[i] * x[i];
                err += (double)(x[i] - dec[i]) * (x[i] - dec[i]);
            }
            Assert.True(10 * Math.Log10(sig / err) > 33, $"{law}-law SNR {10 * Math.Log10(sig / err):F1} dB");
        }
    }

    [Theory]
    [InlineData("mu-law")]
    [InlineData("a-law")]
    public void Matches_sox_encoding_of_a_sweep(string encoding)
    {
        var src = Tools.TempFile($"sweep-{encoding}.wav");
        var raw = Tools.TempFile($"sweep-{encoding}.raw");
        Tools.Sox("-n", "-r", "8000", "-b", "16", "-c", "1", src, "synth", "1", "sine", "100-3800", "vol", "0.9");
        Tools.Sox(src, "-t", "raw", "-e", encoding, "-b", "8", raw);
        var (_, pcm) = WavReader.ReadAll(src);
        var theirs = File.ReadAllBytes(raw);
        Assert.Equal(pcm.Length, theirs.Length);
        var ours = new byte[pcm.Length];
        if (encoding == "mu-law")
        {
            MuLaw.Encode(pcm, ours);
        }
        else
        {
            ALaw.Encode(pcm, ours);
        }
        var differing = 0;
        for (var i = 0; i < ours.Length; i++)
        {
            if (ours[i] != theirs[i])
            {
                differing++;
                // Any disagreement must be one quantisation step (rounding at a boundary).
                var a = encoding == "mu-law" ? MuLaw.Decode(ours[i]) : ALaw.Decode(ours[i]);
                var b = encoding == "mu-law" ? MuLaw.Decode(theirs[i]) : ALaw.Decode(theirs[i]);
                Assert.True(Math.Abs(a - b) <= 1024, $"sample {i}: ours {a}, sox {b}");
            }
        }
        // sox rounds to the nearest A-law step where the reference G.711 code truncates; allow a few percent.
        Assert.True(differing < pcm.Length * 3 / 100, $"{differing} of {pcm.Length} codes differ from sox");
    }
}
