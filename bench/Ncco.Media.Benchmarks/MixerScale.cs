using System.Diagnostics;
using Ncco.Benchmarks;
using System.Globalization;
using Ncco.Media.Mixing;

namespace Ncco.Media.Benchmarks;

/// <summary>
/// Stopwatch bench of one conference mixer tick at N participants (public API only, so the same file measures an older
/// mixer too: bench/conference/mixer-compare.sh). Talk patterns: <c>all</c> — every participant talks; <c>3</c> — three
/// talk and the rest send exact silence (a muted phone, a comfort-noise gap decoded to zeros); <c>3q</c> — three talk
/// and the rest send quiet noise (±8, a real line's idle hiss: not skippable, so the O(N) path without shortcuts).
/// Prints µs per tick by the wall clock and by the thread's CPU time (the median of <c>rounds</c>; the CPU time is the
/// figure to compare on a loaded box, where waiting for a core inflates the wall clock), allocated bytes per tick, and
/// participants per core for the mixing alone (N × 20 ms / CPU µs per tick).
/// </summary>
internal static class MixerScale
{
    public static void Run(string[] args)
    {
        var parties = args.Length > 0 ? args[0].Split(',').Select(int.Parse).ToArray() : [10, 50, 100, 500, 1000];
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
        Console.WriteLine("rate\tparties\ttalk\twall_us_per_tick\tcpu_us_per_tick\tbytes_per_tick\tparticipants_per_core");
        foreach (var rate in new[] { 8000, 16000 })
        {
            foreach (var n in parties)
            {
                foreach (var talk in new[] { "all", "3", "3q" })
                {
                    var (wall, cpu, bytes) = Measure(rate, n, talk, rounds);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{rate}\t{n}\t{talk}\t{wall:F2}\t{cpu:F2}\t{bytes:F1}\t{n * 20_000 / cpu:F0}"));
                }
            }
        }
    }

    private static (double Wall, double Cpu, double Bytes) Measure(int rate, int n, string talk, int rounds)
    {
        var mixer = new ConferenceMixer(rate);
        mixer.Start();
        for (var i = 0; i < n; i++)
        {
            mixer.Join("p" + i.ToString(CultureInfo.InvariantCulture));
        }
        var frame = rate / 50;
        var speech = new short[3][];
        for (var s = 0; s < 3; s++)
        {
            speech[s] = new short[frame];
            for (var i = 0; i < frame; i++) speech[s][i] = (short)(3000 * Math.Sin((i + 37 * s) * 0.2 * (s + 1)));
        }
        var silence = new short[frame];
        var hiss = new short[frame];
        var random = new Random(1);
        for (var i = 0; i < frame; i++) hiss[i] = (short)random.Next(-8, 9);
        var participants = mixer.Participants;
        void Tick()
        {
            for (var i = 0; i < participants.Count; i++)
            {
                var input = talk == "all" || i < 3 ? speech[i % 3] : talk == "3" ? silence : hiss;
                participants[i].WriteInput(input);
            }
            mixer.Mix();
        }
        // About 100 ms of ticks per round, at least 20 ticks: long enough for the stopwatch, short enough for 1000 parties.
        var ticks = 20;
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < 300) Tick(); // warm up: JIT tiers settle
        sw.Restart();
        Tick();
        ticks = Math.Max(20, (int)(0.1 / Math.Max(sw.Elapsed.TotalSeconds, 1e-7)));
        var times = new double[rounds];
        var cpu = new double[rounds];
        long allocated = 0;
        for (var r = 0; r < rounds; r++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var cpu0 = ThreadCpu.Microseconds();
            sw.Restart();
            for (var t = 0; t < ticks; t++) Tick();
            sw.Stop();
            cpu[r] = (ThreadCpu.Microseconds() - cpu0) / ticks;
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            times[r] = sw.Elapsed.TotalMicroseconds / ticks;
        }
        Array.Sort(times);
        Array.Sort(cpu);
        return (times[rounds / 2], cpu[rounds / 2], (double)allocated / (rounds * ticks));
    }
}
