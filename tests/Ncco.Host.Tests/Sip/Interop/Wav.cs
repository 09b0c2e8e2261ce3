using System.Buffers.Binary;

namespace Ncco.Host.Tests.Sip.Interop;

/// <summary>Just enough WAV (16-bit PCM mono) to feed a softphone a known signal and analyse what it heard.</summary>
internal static class Wav
{
    public const int Rate = 8000;

    /// <summary>Writes <paramref name="samples"/> as an 8 kHz mono 16-bit WAV.</summary>
    public static void Write(string path, short[] samples)
    {
        var data = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(i * 2), samples[i]);
        using var file = File.Create(path);
        using var w = new BinaryWriter(file);
        w.Write("RIFF"u8);
        w.Write(36 + data.Length);
        w.Write("WAVEfmt "u8);
        w.Write(16);
        w.Write((short)1);
        w.Write((short)1);
        w.Write(Rate);
        w.Write(Rate * 2);
        w.Write((short)2);
        w.Write((short)16);
        w.Write("data"u8);
        w.Write(data.Length);
        w.Write(data);
    }

    /// <summary><paramref name="seconds"/> of silence, then a sine of <paramref name="hz"/> at about -10 dBFS until <paramref name="total"/> seconds.</summary>
    public static short[] SilenceThenTone(double seconds, double hz, double total)
    {
        var samples = new short[(int)(total * Rate)];
        for (var i = (int)(seconds * Rate); i < samples.Length; i++) samples[i] = (short)(10000 * Math.Sin(2 * Math.PI * hz * i / Rate));
        return samples;
    }

    /// <summary>
    /// The samples of a 16-bit mono WAV. The data chunk is taken to run to the end of the file, so a dump whose header
    /// was never finalised (the writer was stopped) still reads.
    /// </summary>
    public static short[] Read(string path, out int rate)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length >= 44 && bytes.AsSpan(0, 4).SequenceEqual("RIFF"u8), $"{path} is not a WAV ({bytes.Length} bytes)");
        rate = 0;
        var at = 12;
        while (at + 8 <= bytes.Length)
        {
            var id = bytes.AsSpan(at, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 4));
            if (id.SequenceEqual("fmt "u8))
            {
                Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(at + 10))); // mono
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

    /// <summary>
    /// The share of a window's energy at <paramref name="hz"/> (Goertzel), 0..1: near 1 for a pure tone at that
    /// frequency, small for speech or other tones.
    /// </summary>
    public static double ToneShare(ReadOnlySpan<short> window, double hz, int rate)
    {
        var k = 2 * Math.Cos(2 * Math.PI * hz / rate);
        double s1 = 0, s2 = 0, energy = 0;
        foreach (var x in window)
        {
            var s0 = x + (k * s1) - s2;
            s2 = s1;
            s1 = s0;
            energy += (double)x * x;
        }
        var power = (s1 * s1) + (s2 * s2) - (k * s1 * s2);
        // A pure sinusoid of N samples has Goertzel power N²A²/4 and energy NA²/2, so the ratio below is 1 for it.
        return energy == 0 ? 0 : 2 * power / (window.Length * energy);
    }
}
