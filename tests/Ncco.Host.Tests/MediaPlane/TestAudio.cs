using Ncco.Media.Dtmf;
using Ncco.Media.Pcm;

namespace Ncco.Host.Tests.MediaPlane;

internal static class TestAudio
{
    public static short[] Tone(double hz, double seconds, int rate, double amplitude = 8000)
    {
        var n = (int)(seconds * rate);
        var s = new short[n];
        for (var i = 0; i < n; i++) s[i] = (short)(amplitude * Math.Sin(2 * Math.PI * hz * i / rate));
        return s;
    }

    public static short[] Silence(double seconds, int rate) => new short[(int)(seconds * rate)];

    public static short[] Dtmf(string keys, int rate) => new DtmfGenerator(rate).Generate(keys);

    public static short[] Concat(params short[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>A mono 16-bit WAV file's bytes, as a test's app server serves a prompt (written by the product's own
    /// <see cref="Ncco.Media.Wav.WavWriter"/>, through a temporary file).</summary>
    public static byte[] WavBytes(ReadOnlySpan<short> samples, int rate)
    {
        var path = Path.GetTempFileName();
        try
        {
            Ncco.Media.Wav.WavWriter.WriteAll(path, samples, rate);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Seconds of 20 ms frames louder than <paramref name="thresholdDbfs"/>.</summary>
    public static double VoicedSeconds(ReadOnlySpan<short> samples, int rate, double thresholdDbfs = -45)
    {
        var frame = rate / 50;
        var voiced = 0;
        for (var i = 0; i + frame <= samples.Length; i += frame)
        {
            if (Pcm16.RmsDbfs(samples.Slice(i, frame)) > thresholdDbfs) voiced++;
        }
        return voiced * 0.02;
    }

    /// <summary>Level of the strongest of the given tone in <paramref name="samples"/> relative to the total (Goertzel over the whole span).</summary>
    public static double ToneShare(ReadOnlySpan<short> samples, double hz, int rate)
    {
        double s1 = 0, s2 = 0, energy = 0;
        var c = 2 * Math.Cos(2 * Math.PI * hz / rate);
        foreach (var x in samples)
        {
            var s0 = x + (c * s1) - s2;
            s2 = s1;
            s1 = s0;
            energy += (double)x * x;
        }
        var power = (s1 * s1) + (s2 * s2) - (c * s1 * s2);
        return energy == 0 ? 0 : 2 * power / (samples.Length * energy);
    }
}
