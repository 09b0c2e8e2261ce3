using System.Diagnostics;
using System.Globalization;
using Ncco.Host.MediaPlane;

namespace Ncco.Host.Benchmarks;

/// <summary>
/// The <c>profile</c> command: runs the SIP-shaped media thread for a number of ticks with <see cref="MediaStageProfile"/>
/// on and prints, per stage, µs per tick and ns per leg-frame; plus wall time per tick and allocations.
/// </summary>
internal static class StageProfileRun
{
    public static async Task RunAsync(int legs, int ticks, int workers, bool ttsCache, bool promptCached = false)
    {
        await using var load = new SipLoadMediaThread(legs, workers, ttsCache, promptCached);
        load.WarmUp();
        var profile = new MediaStageProfile();
        load.MediaThread.Profile = profile;
        for (var i = 0; i < 50; i++) load.Tick();
        profile.Reset();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var gcs = GC.CollectionCount(0);
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < ticks; i++) load.Tick();
        wall.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"{legs} legs, {workers} worker(s), TTS cache {(ttsCache ? promptCached ? "on, prompt cached before the calls" : "on" : "off")}, {ticks} ticks: {wall.Elapsed.TotalMicroseconds / ticks:F0} µs per tick (profiling on; stages are summed over workers), {allocated} bytes allocated on the ticking thread, {GC.CollectionCount(0) - gcs} gen0 GCs, {load.Tts.Syntheses} syntheses"));
        Console.WriteLine("| stage | µs per tick | ns per leg-frame | share |");
        Console.WriteLine("| -- | --: | --: | --: |");
        var total = Enum.GetValues<MediaStage>().Sum(s => profile.Total(s).TotalMicroseconds);
        foreach (var stage in Enum.GetValues<MediaStage>())
        {
            var us = profile.Total(stage).TotalMicroseconds;
            Console.WriteLine(string.Create(inv, $"| {stage} | {us / ticks:F0} | {us * 1000 / ticks / legs:F0} | {100 * us / total:F1} % |"));
        }
        Console.WriteLine(string.Create(inv, $"| **sum of stages** | {total / ticks:F0} | {total * 1000 / ticks / legs:F0} | |"));
    }
}
