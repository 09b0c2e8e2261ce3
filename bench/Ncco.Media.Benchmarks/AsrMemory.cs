using System.Diagnostics;
using System.Globalization;
using Ncco.Media.Asr;
using Ncco.Media.Tts;

namespace Ncco.Media.Benchmarks;

/// <summary>
/// Resident memory per concurrent speech-input call: rounds of <c>calls</c> utterances that all listen at once (8 kHz, 20 ms
/// frames, paced like a live call) and then finish together, as a burst of callers answering a menu would. Prints RSS before
/// the first call, the peak during each round and the level after it, and the growth per concurrent call.
/// </summary>
internal static class AsrMemory
{
    public static async Task RunAsync(string[] args)
    {
        var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var tts = new EspeakTextToSpeech();
        var audio = new List<short[]>();
        foreach (var phrase in AsrLoad.Phrases)
        {
            audio.Add(await AsrLoad.SynthAsync(tts, phrase, "en-US", 0, 8000));
        }
        using var asr = new PocketSphinxRecognizer();
        var settings = new AsrSettings(Context: AsrLoad.Phrases);
        Settle();
        var baseline = Rss();
        Console.WriteLine($"{calls} concurrent speech calls per round, {rounds} rounds; threads {Process.GetCurrentProcess().Threads.Count}");
        Console.WriteLine($"RSS before the first call: {baseline / 1e6:F1} MB");
        long highest = baseline;
        for (var round = 1; round <= rounds; round++)
        {
            using var sampling = new CancellationTokenSource();
            var peak = baseline;
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, Rss());
                    try
                    {
                        await Task.Delay(20, sampling.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            });
            var started = Stopwatch.StartNew();
            var streams = new List<ISpeechRecognitionStream>();
            for (var i = 0; i < calls; i++)
            {
                streams.Add(await asr.StartAsync(settings, 8000, CancellationToken.None));
            }
            // 20 ms frames to every call, 50 frames a second of wall time: each call holds its stream for the whole utterance.
            var longest = audio.Max(a => a.Length);
            var frames = Stopwatch.StartNew();
            for (int offset = 0, frame = 0; offset < longest; offset += 160, frame++)
            {
                for (var i = 0; i < calls; i++)
                {
                    var a = audio[i % audio.Count];
                    if (offset < a.Length) streams[i].Write(a.AsSpan(offset, Math.Min(160, a.Length - offset)));
                }
                var due = TimeSpan.FromMilliseconds(20 * (frame + 1)) - frames.Elapsed;
                if (due > TimeSpan.Zero) await Task.Delay(due);
            }
            var results = await Task.WhenAll(streams.Select(s => s.FinishAsync(CancellationToken.None)));
            foreach (var s in streams) await s.DisposeAsync();
            var correct = results.Select((r, i) => r.Count > 0 && r[0].Text == AsrLoad.Phrases[i % audio.Count]).Count(ok => ok);
            await sampling.CancelAsync();
            await sampler;
            Settle();
            var after = Rss();
            highest = Math.Max(highest, peak);
            Console.WriteLine($"round {round}: {started.Elapsed.TotalSeconds:F1} s, {correct}/{calls} recognised, peak {peak / 1e6:F1} MB " +
                              $"(+{(peak - baseline) / 1e6 / calls:F2} MB per call), after {after / 1e6:F1} MB (+{(after - baseline) / 1e6:F1} MB), " +
                              $"threads {Process.GetCurrentProcess().Threads.Count}");
        }
        Console.WriteLine($"highest peak +{(highest - baseline) / 1e6:F1} MB over the baseline = {(highest - baseline) / 1e6 / calls:F2} MB per concurrent call");
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Thread.Sleep(200);
    }

    private static long Rss()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
