using Ncco.Media.SoundFile;
using Ncco.Media.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Media.Tests.SoundFile;

public class SoundFileTests
{
    [Theory]
    [InlineData(SoundFileFormat.Wav, "wav", 100)]
    [InlineData(SoundFileFormat.Wav24, "wav", 100)]
    [InlineData(SoundFileFormat.WavFloat, "wav", 100)]
    [InlineData(SoundFileFormat.WavMuLaw, "wav", 400)]
    [InlineData(SoundFileFormat.WavALaw, "wav", 400)]
    [InlineData(SoundFileFormat.Flac, "flac", 100)]
    [InlineData(SoundFileFormat.Mp3, "mp3", 800)]
    [InlineData(SoundFileFormat.OggVorbis, "ogg", 800)]
    [InlineData(SoundFileFormat.OggOpus, "opus", 800)]
    public void Round_trip_through_libsndfile_and_sox_agrees(SoundFileFormat format, string ext, double tolerance)
    {
        var path = Tools.TempFile($"rt-{format}.{ext}");
        var x = Signals.Sine(1000, 16000, 16000, 10000);
        SoundFileWriter.WriteAll(path, format, x, 16000, 1, format == SoundFileFormat.Mp3 ? SoundFileWriteOptions.Mp3Recording : null);
        var (rate, channels, y) = SoundFileReader.ReadAll(path);
        Assert.Equal(16000, rate);
        Assert.Equal(1, channels);
        Assert.InRange(y.Length, 15000, 17500);
        var mid = y.AsSpan(y.Length / 4, y.Length / 2);
        Assert.InRange(Signals.ToneAmplitude(mid, 1000, 16000), 10000 - tolerance, 10000 + tolerance);
        if (ext != "opus")
        {
            // sox, an independent decoder, reads what we wrote.
            Assert.Equal("16000", Tools.Run("soxi", "-r", path).Trim());
        }
    }

    [Theory]
    [InlineData("mp3")]
    [InlineData("flac")]
    [InlineData("ogg")]
    [InlineData("aiff")]
    [InlineData("wav")]
    public void Reads_files_written_by_sox(string ext)
    {
        var path = Tools.TempFile($"sox-tone.{ext}");
        Tools.Sox("-n", "-r", "44100", "-c", "2", path, "synth", "1", "sine", "700", "vol", "0.5");
        var (rate, channels, y) = SoundFileReader.ReadAll(path);
        Assert.Equal(44100, rate);
        Assert.Equal(2, channels);
        var left = new short[y.Length / 2];
        for (var i = 0; i < left.Length; i++)
        {
            left[i] = y[i * 2];
        }
        Assert.InRange(Signals.ToneAmplitude(left.AsSpan(left.Length / 4, left.Length / 2), 700, 44100), 15000, 17500);
    }

    [Fact]
    public void Mp3_recording_is_16k_cbr_32kbps()
    {
        var path = Tools.TempFile("rec.mp3");
        SoundFileWriter.WriteAll(path, SoundFileFormat.Mp3, Signals.Sine(300, 16000, 16000 * 3), 16000, 1, SoundFileWriteOptions.Mp3Recording);
        var bytes = File.ReadAllBytes(path);
        var bitrates = new HashSet<int>();
        var i = 0;
        if (bytes.AsSpan(0, 3).SequenceEqual("ID3"u8))
        {
            i = 10 + ((bytes[6] << 21) | (bytes[7] << 14) | (bytes[8] << 7) | bytes[9]);
        }
        int[] mpeg2Layer3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
        var frames = 0;
        while (i + 4 < bytes.Length && bytes[i] == 0xFF && (bytes[i + 1] & 0xE0) == 0xE0)
        {
            Assert.Equal(0xF3, bytes[i + 1]); // MPEG-2, Layer III, no CRC
            Assert.Equal(2, (bytes[i + 2] >> 2) & 3); // 16 kHz
            var kbps = mpeg2Layer3[bytes[i + 2] >> 4];
            bitrates.Add(kbps);
            var padding = (bytes[i + 2] >> 1) & 1;
            i += (72 * kbps * 1000 / 16000) + padding;
            frames++;
        }
        Assert.True(frames > 50, $"parsed {frames} frames");
        Assert.Equal([32], bitrates);
    }

    [Fact]
    public void Undecodable_or_missing_file_gives_a_clear_error()
    {
        var junk = Tools.TempFile("junk.mp3");
        File.WriteAllText(junk, "<html>404 not found</html>");
        var ex = Assert.Throws<InvalidAudioException>(() => SoundFileReader.Open(junk));
        Assert.Contains("junk.mp3", ex.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<InvalidAudioException>(() => SoundFileReader.Open(Tools.TempFile("nope.wav")));
        Assert.Contains("not found", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Native_engines_are_all_present_here()
    {
        Assert.Empty(Ncco.Media.Native.NativeEngines.Probe());
        var missing = new Ncco.Media.Native.NativeEngine("fake", "libdoesnotexist.so.9", "fake-package");
        var ex = Assert.Throws<Ncco.Media.Native.NativeEngineMissingException>(missing.EnsureAvailable);
        Assert.Contains("apt-get install fake-package", ex.Message, StringComparison.Ordinal);
    }
}
