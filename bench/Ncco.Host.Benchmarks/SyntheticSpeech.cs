namespace Ncco.Host.Benchmarks;

/// <summary>
/// Deterministic speech-like audio (a few formant-ish tones under a 4 Hz syllable envelope with pauses), so the
/// detectors and codecs see realistic levels rather than silence or one steady tone that a detector could short-cut.
/// </summary>
internal static class SyntheticSpeech
{
    public static short[] Create(int sampleRate, double seconds)
    {
        var samples = new short[(int)(sampleRate * seconds)];
        for (var i = 0; i < samples.Length; i++)
        {
            var t = (double)i / sampleRate;
            var syllable = Math.Max(0, Math.Sin(2 * Math.PI * 4 * t)); // 4 syllables a second
            var phrase = (int)t % 3 == 2 ? 0.05 : 1.0;                   // a quieter second in three
            var v = (0.5 * Math.Sin(2 * Math.PI * 180 * t)) + (0.3 * Math.Sin(2 * Math.PI * 720 * t)) + (0.2 * Math.Sin(2 * Math.PI * 2300 * t));
            samples[i] = (short)(v * syllable * phrase * 9000);
        }
        return samples;
    }
}
