using System.Buffers.Binary;

namespace Ncco.Host.Tests.Sip.Interop;

/// <summary>
/// Feeding a softphone a known signal and reading back what it heard. <see cref="Read"/> is our own because baresip's
/// dump may end without a finalised header; tone analysis is <see cref="MediaPlane.TestAudio"/>'s.
/// </summary>
internal static class Wav
{
    public const int Rate = 8000;

    /// <summary>Writes <paramref name="samples"/> as an 8 kHz mono 16-bit WAV.</summary>
    public static void Write(string path, short[] samples) => Ncco.Media.Wav.WavWriter.WriteAll(path, samples, Rate);

    /// <summary><paramref name="seconds"/> of silence, then a sine of <paramref name="hz"/> at about -10 dBFS until <paramref name="total"/> seconds.</summary>
    public static short[] SilenceThenTone(double seconds, double hz, double total) =>
        MediaPlane.TestAudio.Concat(MediaPlane.TestAudio.Silence(seconds, Rate), MediaPlane.TestAudio.Tone(hz, total - seconds, Rate, amplitude: 10000));

    /// <summary>
    /// The samples of a 16-bit mono WAV (interleaved when <c>channels</c> is 2). The data chunk is taken to run to the end of the file, so a dump whose header
    /// was never finalised (the writer was stopped) still reads.
    /// </summary>
    public static short[] Read(string path, out int rate)
    {
        var samples = Read(path, out rate, out var channels);
        Assert.Equal(1, channels);
        return samples;
    }

    /// <summary>
    /// What a phone heard at <see cref="Rate"/> in mono, whatever rate and channels its dump has (baresip dumps Opus
    /// at 48 kHz, two channels: its filters run at the codec's format).
    /// </summary>
    public static short[] ReadAsRateMono(string path)
    {
        var samples = Read(path, out var rate, out var channels);
        if (channels > 1)
        {
            var mono = new short[samples.Length / channels];
            for (var i = 0; i < mono.Length; i++)
            {
                var sum = 0;
                for (var c = 0; c < channels; c++) sum += samples[(i * channels) + c];
                mono[i] = (short)(sum / channels);
            }
            samples = mono;
        }
        return rate == Rate ? samples : Ncco.Media.Resampling.Resampler.Convert(samples, rate, Rate);
    }

    private static short[] Read(string path, out int rate, out int channels)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length >= 44 && bytes.AsSpan(0, 4).SequenceEqual("RIFF"u8), $"{path} is not a WAV ({bytes.Length} bytes)");
        rate = 0;
        channels = 0;
        var at = 12;
        while (at + 8 <= bytes.Length)
        {
            var id = bytes.AsSpan(at, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 4));
            if (id.SequenceEqual("fmt "u8))
            {
                channels = BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(at + 10));
                Assert.InRange(channels, 1, 2);
                rate = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 12));
                Assert.Equal(16, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(at + 22)));
            }
            else if (id.SequenceEqual("data"u8))
            {
                var data = bytes.AsSpan(at + 8);
                var samples = new short[data.Length / 2];
                for (var i = 0; i < samples.Length; i++) samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(i * 2)..]);
                return samples;
            }
            at += 8 + size + (size & 1);
        }
        Assert.Fail($"{path} has no data chunk");
        return [];
    }

    /// <summary>Root mean square of a window.</summary>
    public static double Rms(ReadOnlySpan<short> window)
    {
        double sum = 0;
        foreach (var s in window) sum += (double)s * s;
        return window.Length == 0 ? 0 : Math.Sqrt(sum / window.Length);
    }
}
