using System.Diagnostics;
using Ncco.Media.Tts;

namespace Ncco.Media.Benchmarks;

/// <summary>
/// Time to first audio for a short prompt (issue 19: ≤ 5 ms), as a call hears it: a request for an 8 kHz prompt in
/// the voice the host serves, on an engine that has been started (and warmed) as the host starts it.
/// <c>compare-tts.sh &lt;commit&gt;</c> runs it against an earlier engine in the same session, alternating builds.
/// </summary>
internal static class TtsFirstAudio
{
    private const string Short = "Welcome. Please hold while we connect you.";
    private const int Runs = 40;

    public static async Task RunAsync()
    {
        var tts = new EspeakTextToSpeech();
        // The engine as the host starts it (Ncco:Media:TtsWarmVoices): one word said in the voice it serves before any
        // call. Written as a plain synthesis, which is what WarmUpAsync does, so this file also builds against an
        // earlier engine for a side-by-side run (compare-tts.sh).
        await DrainAsync(tts, new TtsRequest("ok", "en-US"));
        Report("same voice, new text each time (engine)", await MeasureAsync(tts, i => new TtsRequest($"{Short} Reference {i}.", "en-US")));
        Report("voice changes every request (engine)", await MeasureAsync(tts, i => new TtsRequest($"{Short} Reference {i}.", i % 2 == 0 ? "en-US" : "en-GB", Style: i % 3)));
        var cache = new CachingTextToSpeech(tts, 16L << 20);
        Report("new text each time (through the cache)", await MeasureAsync(cache, i => new TtsRequest($"{Short} Call {i}.", "en-US")));
        await DrainAsync(cache, new TtsRequest(Short, "en-US"));
        Report("prompt said before (cache hit)", await MeasureAsync(cache, _ => new TtsRequest(Short, "en-US")));
    }

    private static void Report(string what, List<double> firsts)
    {
        firsts.Sort();
        Console.WriteLine($"TTS first audio, short prompt, 8 kHz, {what}: median {firsts[firsts.Count / 2] * 1000:F2} ms, p90 {firsts[firsts.Count * 9 / 10] * 1000:F2} ms, max {firsts[^1] * 1000:F2} ms ({firsts.Count} runs)");
    }

    private static async Task<List<double>> MeasureAsync(ITextToSpeech tts, Func<int, TtsRequest> request)
    {
        var firsts = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            var sw = Stopwatch.StartNew();
            double first = -1;
            await foreach (var chunk in tts.SynthesizeAsync(request(i), 8000, CancellationToken.None))
            {
                if (first < 0 && !chunk.IsEmpty) first = sw.Elapsed.TotalSeconds;
            }
            firsts.Add(first);
        }
        return firsts;
    }

    private static async Task DrainAsync(ITextToSpeech tts, TtsRequest request)
    {
        await foreach (var _ in tts.SynthesizeAsync(request, 8000, CancellationToken.None))
        {
        }
    }
}
