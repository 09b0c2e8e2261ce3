using Ncco.Media.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Media.Tests.Wav;

public class WavTests
{
    [Fact]
    public void Written_file_is_read_back_by_us_and_by_sox()
    {
        var path = Tools.TempFile("ours.wav");
        var x = Signals.Sine(440, 16000, 16000);
        WavWriter.WriteAll(path, x, 16000);
        var (info, y) = WavReader.ReadAll(path);
        Assert.Equal(16000, info.SampleRate);
        Assert.Equal(x, y);
        Assert.False(info.WasTruncated);
        var stat = Tools.Run("soxi", "-s", path);
        Assert.Equal("16000", stat.Trim());
    }

    [Theory]
    [InlineData("-e", "signed-integer", "-b", "16")]
    [InlineData("-e", "signed-integer", "-b", "24")]
    [InlineData("-e", "signed-integer", "-b", "32")]
    [InlineData("-e", "unsigned-integer", "-b", "8")]
    [InlineData("-e", "floating-point", "-b", "32")]
    [InlineData("-e", "mu-law", "-b", "8")]
    [InlineData("-e", "a-law", "-b", "8")]
    public void Reads_wav_variants_written_by_sox(string e, string encoding, string b, string bits)
    {
        var path = Tools.TempFile($"sox-{encoding}-{bits}.wav");
        Tools.Sox("-n", "-r", "8000", "-c", "2", e, encoding, b, bits, path, "synth", "0.5", "sine", "1000", "sine", "500", "vol", "0.5");
        var (info, samples) = WavReader.ReadAll(path);
        Assert.Equal(2, info.Channels);
        Assert.Equal(8000, samples.Length);
        var left = new short[4000];
        for (var i = 0; i < 4000; i++)
        {
            left[i] = samples[i * 2];
        }
        Assert.InRange(Signals.ToneAmplitude(left, 1000, 8000), 15000, 17500);
    }

    [Fact]
    public void Partially_written_file_stays_readable()
    {
        var path = Tools.TempFile("partial.wav");
        var x = Signals.Sine(440, 8000, 8000);
        using (var fs = new FileStream(path, FileMode.Create))
        {
            var w = new WavWriter(fs, 8000, leaveOpen: true);
            w.Write(x);
            // Simulated crash: the writer never finalises the header; the process dies here.
        }
        var (info, y) = WavReader.ReadAll(path);
        Assert.True(info.WasTruncated);
        Assert.Equal(x, y);

        // A file cut mid-sample after a flush also reads (whole samples only).
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..1001]);
        var (_, z) = WavReader.ReadAll(path);
        Assert.Equal(478, z.Length);
    }

    [Fact]
    public void Garbage_gives_a_clear_error()
    {
        var ex = Assert.Throws<InvalidAudioException>(() => WavReader.ReadAll(new MemoryStream("hello world, not audio"u8.ToArray())));
        Assert.Contains("not a WAV file", ex.Message, StringComparison.Ordinal);
    }
}
