using System.Diagnostics;
using Ncco.Media.Asr;
using Ncco.Media.Tts;

namespace Ncco.Media.Benchmarks;

/// <summary>ASR real-time factor and accuracy on synthesised command phrases.</summary>
internal static class AsrLoad
{
    public static readonly string[] Phrases =
    [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
        "yes", "no", "sales", "support", "billing", "operator", "agent", "cancel", "repeat", "main menu",
    ];

    public static readonly string[] Voices = ["en-US", "en-GB"];
    public static readonly int[] Styles = [0, 1, 4, 5];

    public static async Task<short[]> SynthAsync(EspeakTextToSpeech tts, string text, string language, int style, int rate)
    {
        var list = new List<short>();
        await foreach (var c in tts.SynthesizeAsync(new TtsRequest(text, language, style), rate, CancellationToken.None))
        {
            list.AddRange(c.Span);
        }
        return [.. list];
    }

    public static async Task RunAccuracyAsync(string[] args)
    {
        var hintsOnly = args.Contains("--hints-only");
        var fills = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(a => double.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(new PocketSphinxOptions().BandFillRms).ToArray();
        var tts = new EspeakTextToSpeech();
        var corpus = new List<(string Text, int Rate, short[] Audio)>();
        foreach (var rate in new[] { 8000, 16000 })
        {
            foreach (var lang in Voices)
            {
                foreach (var style in Styles)
                {
                    foreach (var p in Phrases)
                    {
                        corpus.Add((p, rate, await SynthAsync(tts, p, lang, style, rate)));
                    }
                }
            }
        }
        Console.WriteLine($"corpus: {Phrases.Length} phrases x {Voices.Length} voices x {Styles.Length} styles (espeak-ng variants) at 8 and 16 kHz = {corpus.Count} utterances");
        foreach (var fill in fills)
        {
            using var asr = new PocketSphinxRecognizer(new PocketSphinxOptions(BandFillRms: fill));
            foreach (var hints in hintsOnly ? new[] { true } : new[] { true, false })
            {
                foreach (var rate in new[] { 8000, 16000 })
                {
                    var ok = 0;
                    var n = 0;
                    foreach (var (text, r, audio) in corpus.Where(c => c.Rate == rate))
                    {
                        var settings = new AsrSettings(Context: hints ? Phrases : null);
                        var res = await asr.RecognizeAsync(audio, rate, settings, CancellationToken.None);
                        n++;
                        if (res.Count > 0 && res[0].Text == text)
                        {
                            ok++;
                        }
                    }
                    Console.WriteLine($"fill {fill,4}  hints {(hints ? "yes" : "no "),3}  {rate / 1000,2} kHz  exact-match accuracy {ok}/{n} = {100.0 * ok / n:F1} %");
                }
            }
        }
    }

    public static async Task RunRealTimeFactorAsync()
    {
        var tts = new EspeakTextToSpeech();
        using var asr = new PocketSphinxRecognizer();
        foreach (var (label, hints) in new[] { ("hints (grammar)", (IReadOnlyList<string>?)Phrases), ("no hints (LM dictation)", null) })
        {
            foreach (var rate in new[] { 8000, 16000 })
            {
                var audio = await SynthAsync(tts, "please connect me to the billing department about my last invoice", "en-US", 0, rate);
                await asr.RecognizeAsync(audio, rate, new AsrSettings(Context: hints), CancellationToken.None); // warm
                var sw = Stopwatch.StartNew();
                var runs = 5;
                for (var i = 0; i < runs; i++)
                {
                    await asr.RecognizeAsync(audio, rate, new AsrSettings(Context: hints), CancellationToken.None);
                }
                var audioSeconds = runs * audio.Length / (double)rate;
                Console.WriteLine($"ASR {label,-24} {rate / 1000,2} kHz: RTF {sw.Elapsed.TotalSeconds / audioSeconds:F3} ({audioSeconds:F1} s audio in {sw.Elapsed.TotalSeconds:F2} s, one core)");
            }
        }
    }
}
