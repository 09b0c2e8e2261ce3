using System.Diagnostics;
using Ncco.Media.Tts;

namespace Ncco.Media.Benchmarks;

/// <summary>espeak-ng real-time factor and time to first audio.</summary>
internal static class TtsLoad
{
    private const string Paragraph =
        "Thank you for calling Ncco. Your call is important to us. For sales, press one. For support, press two. " +
        "To hear these options again, press star. You can also stay on the line and an operator will be with you shortly.";

    public static async Task RunAsync()
    {
        var tts = new EspeakTextToSpeech();
        foreach (var rate in new[] { 8000, 16000, 24000 })
        {
            await Measure(tts, rate, 1); // warm
            var firsts = new List<double>();
            double synth = 0, audio = 0;
            for (var i = 0; i < 10; i++)
            {
                var (first, total, samples) = await Measure(tts, rate, i);
                firsts.Add(first);
                synth += total;
                audio += samples / (double)rate;
            }
            firsts.Sort();
            Console.WriteLine($"TTS espeak-ng {rate / 1000,2} kHz: RTF {synth / audio:F4} ({audio:F1} s audio in {synth:F2} s), time to first audio median {firsts[5] * 1000:F1} ms, max {firsts[^1] * 1000:F1} ms");
        }
    }

    private static async Task<(double First, double Total, long Samples)> Measure(EspeakTextToSpeech tts, int rate, int style)
    {
        var sw = Stopwatch.StartNew();
        double first = -1;
        long samples = 0;
        await foreach (var chunk in tts.SynthesizeAsync(new TtsRequest(Paragraph, Style: style), rate, CancellationToken.None))
        {
            if (first < 0)
            {
                first = sw.Elapsed.TotalSeconds;
            }
            samples += chunk.Length;
        }
        return (first, sw.Elapsed.TotalSeconds, samples);
    }
}
