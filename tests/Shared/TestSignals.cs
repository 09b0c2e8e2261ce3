namespace Ncco.Tests.Shared;

/// <summary>
/// Synthetic microphone sounds at 8 kHz for speech-detection tests: room noise, a breath, and noise pumped by a
/// browser's gain control. Seeded, so every run hears the same samples. Compiled into each test project that needs
/// them (linked from tests/Shared).
/// </summary>
internal static class TestSignals
{
    /// <summary>The sample rate of every signal here.</summary>
    public const int SampleRate = 8000;

    /// <summary>White room noise of the given RMS level (uniform samples; 30–60 is a quiet office on a laptop microphone).</summary>
    public static short[] Noise(double seconds, double rms, int seed = 7)
    {
        var random = new Random(seed);
        var samples = new short[(int)(seconds * SampleRate)];
        // A uniform distribution over ±a has RMS a/√3: the span is rms·2√3 ≈ rms·3.46.
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)((random.NextDouble() - 0.5) * rms * 3.46);
        return samples;
    }

    /// <summary>A breath into the microphone: low-passed noise swelling and fading over 0.6 s, well above room noise.</summary>
    public static short[] Breath(int seed)
    {
        var random = new Random(seed);
        var samples = new short[(int)(0.6 * SampleRate)];
        double smooth = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            smooth += 0.15 * (random.Next(-8000, 8000) - smooth);
            samples[i] = (short)(smooth * Math.Sin(Math.PI * i / samples.Length));
        }
        return samples;
    }

    /// <summary>
    /// Room noise whose level a browser's automatic gain control raises by 8 dB after a loud sound and lets fall back
    /// over two seconds (measured on Chromium's microphone path): the noise floor lags behind it.
    /// </summary>
    public static short[] PumpedNoise(double seconds, int seed)
    {
        var random = new Random(seed);
        var samples = new short[(int)(seconds * SampleRate)];
        for (var i = 0; i < samples.Length; i++)
        {
            var gain = 1 + (1.5 * Math.Exp(-i / 16000.0));
            samples[i] = (short)(random.Next(-300, 300) * gain);
        }
        return samples;
    }

    /// <summary>The parts one after another.</summary>
    public static short[] Concat(params short[][] parts) => [.. parts.SelectMany(p => p)];
}
