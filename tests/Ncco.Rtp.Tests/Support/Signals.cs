namespace Ncco.Rtp.Tests.Support;

/// <summary>Test signals and measurements.</summary>
internal static class Signals
{
    public static short[] Tone(double frequency, int sampleRate, int count, double amplitude = 10000)
    {
        var samples = new short[count];
        for (var i = 0; i < count; i++)
        {
            samples[i] = (short)(amplitude * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
        }
        return samples;
    }

    /// <summary>
    /// A speech-like signal: a glottal-pulse-rich harmonic series with a wandering pitch (100–220 Hz), two moving
    /// formant-ish emphases and a syllabic amplitude envelope, plus a little noise. Deterministic.
    /// </summary>
    public static short[] SpeechLike(int sampleRate, int count, int seed = 7)
    {
        var random = new Random(seed);
        var samples = new short[count];
        double phase = 0;
        for (var i = 0; i < count; i++)
        {
            var t = (double)i / sampleRate;
            var pitch = 160 + (60 * Math.Sin(2 * Math.PI * 0.7 * t));
            phase += 2 * Math.PI * pitch / sampleRate;
            var f1 = 500 + (250 * Math.Sin(2 * Math.PI * 1.3 * t));
            var f2 = 1500 + (700 * Math.Sin(2 * Math.PI * 0.9 * t));
            double value = 0;
            for (var h = 1; h * pitch < sampleRate / 2.2; h++)
            {
                var f = h * pitch;
                var weight = (1.0 / h) * (1 + (3 * Math.Exp(-Math.Pow((f - f1) / 150, 2))) + (2 * Math.Exp(-Math.Pow((f - f2) / 250, 2))));
                value += weight * Math.Sin(h * phase);
            }
            var envelope = 0.55 + (0.45 * Math.Sin(2 * Math.PI * 4 * t));
            value = (value * envelope * 2500) + ((random.NextDouble() - 0.5) * 200);
            samples[i] = (short)Math.Clamp(value, short.MinValue, short.MaxValue);
        }
        return samples;
    }

    /// <summary>SNR in dB of <paramref name="decoded"/> against <paramref name="reference"/> at the best lag in 0…maxLag (codec delay).</summary>
    public static (double Snr, int Lag) BestSnr(ReadOnlySpan<short> reference, ReadOnlySpan<short> decoded, int maxLag, int skip = 200)
    {
        var best = double.NegativeInfinity;
        var bestLag = 0;
        for (var lag = 0; lag <= maxLag; lag++)
        {
            double signal = 0, noise = 0;
            for (var i = skip; i + lag < decoded.Length && i < reference.Length; i++)
            {
                double s = reference[i];
                double e = decoded[i + lag] - s;
                signal += s * s;
                noise += e * e;
            }
            var snr = 10 * Math.Log10(signal / Math.Max(noise, 1e-9));
            if (snr > best)
            {
                best = snr;
                bestLag = lag;
            }
        }
        return (best, bestLag);
    }

    public static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }
        return samples.Length == 0 ? 0 : Math.Sqrt(sum / samples.Length);
    }

    /// <summary>Power of one frequency (Goertzel) relative to the total power: 1.0 means a pure tone at that frequency.</summary>
    public static double ToneShare(ReadOnlySpan<short> samples, double frequency, int sampleRate)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double s1 = 0, s2 = 0, total = 0;
        foreach (var x in samples)
        {
            var s0 = x + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
            total += (double)x * x;
        }
        var power = (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
        // A sinusoid of amplitude A gives Goertzel power ≈ (A·N/2)², total ≈ N·A²/2 → ratio 2·power/(N·total).
        return total == 0 ? 0 : 2 * power / (samples.Length * total);
    }

    /// <summary>Dominant frequency by counting zero crossings (good enough for a clean tone).</summary>
    public static double ZeroCrossingFrequency(ReadOnlySpan<short> samples, int sampleRate)
    {
        var crossings = 0;
        for (var i = 1; i < samples.Length; i++)
        {
            if ((samples[i - 1] < 0) != (samples[i] < 0))
            {
                crossings++;
            }
        }
        return crossings * sampleRate / (2.0 * samples.Length);
    }
}
