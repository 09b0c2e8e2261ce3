#if BASELINE
extern alias baseline;
#endif
using System.Diagnostics;
using Ncco.Benchmarks;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Ncco.Serialization;
using Ncco.Validation;
using Ncco.Validation.Tokens;

namespace Ncco.Runtime.Benchmarks;

/// <summary>
/// Where the time and allocations of parse + validate go (issue 19): each stage of the 20-action NCCO timed with a
/// Stopwatch over many runs, and the bytes it allocates on this thread. Stages run interleaved in rounds, so a busy
/// machine slows them alike and the ratios hold.
/// </summary>
internal static class Profile
{
    public static void Run(int iterations)
    {
        var utf8 = Encoding.UTF8.GetBytes(TwentyActionNcco.Json);
        var urls = new List<string>();
        var reader0 = new Utf8JsonReader(utf8);
        while (reader0.Read())
        {
            if (reader0.TokenType == JsonTokenType.String && reader0.GetString() is { } s && s.Contains("://", StringComparison.Ordinal)) urls.Add(s);
        }

        // Bind alone: the reader over tokens checked once (their decoded strings and URLs cached by that check).
        using var checkedTokens = NccoTokens.Read(utf8.AsMemory());
        NccoValidator.Check(checkedTokens, NccoValidationOptions.Default);

        (string Name, Func<object?> Run)[] stages =
        [
            ("Utf8JsonReader pass (tokens only)", () => { var r = new Utf8JsonReader(utf8); var n = 0; while (r.Read()) n++; return n; }),
            ("Utf8.IsValid over the bytes", () => Utf8.IsValid(utf8)),
            ("Utf8JsonReader pass + GetString of every string", () => { var r = new Utf8JsonReader(utf8); var n = 0; while (r.Read()) { if (r.TokenType is JsonTokenType.String or JsonTokenType.PropertyName) n += r.GetString()!.Length; } return n; }),
            ($"new Uri x{urls.Count} (the NCCO's URLs)", () => { object? last = null; foreach (var u in urls) last = new Uri(u, UriKind.Absolute); return last; }),
            ("JsonDocument.Parse + Dispose", () => { using var d = JsonDocument.Parse(utf8.AsMemory()); return d.RootElement.ValueKind; }),
            ("tokens only (NccoTokens.Read + Dispose)", () => { using var t = NccoTokens.Read(utf8.AsMemory()); return t.Count; }),
            ("bind only (reader over checked tokens)", () => NccoReader.ReadDocument(new NccoNode(checkedTokens, 0))),
            ("NccoValidator.Validate (bytes)", () => NccoValidator.Validate(utf8.AsMemory()).Count),
            ("NccoParser.Parse (bytes): validate + bind", () => NccoParser.Parse(utf8.AsMemory()).Document),
#if BASELINE
            ("baseline: NccoValidator.Validate (bytes)", () => baseline::Ncco.Validation.NccoValidator.Validate(utf8.AsMemory()).Count),
            ("baseline: NccoParser.Parse (bytes)", () => baseline::Ncco.Serialization.NccoParser.Parse(utf8.AsMemory()).Document),
#endif
        ];

        if (Environment.GetEnvironmentVariable("NCCO_PROFILE_ONLY") is { Length: > 0 } only)
        {
            // For a sampling profiler (perf with DOTNET_PerfMapEnabled=1): one stage, in a loop.
            var run = stages.First(s => s.Name.Contains(only, StringComparison.Ordinal)).Run;
            if (Environment.GetEnvironmentVariable("NCCO_PROFILE_ALLOCS") == "1")
            {
                // Which types the stage allocates (sampled), for finding the bytes to cut.
                using var sampler = new AllocationSampler();
                for (var i = 0; i < 2000; i++) run();
                sampler.Start();
                for (var i = 0; i < iterations; i++) run();
                sampler.Stop();
                foreach (var (type, share) in sampler.Shares().Take(25)) Console.WriteLine($"{share,6:P1}  {type}");
                return;
            }
            for (var i = 0; i < iterations; i++) run();
            return;
        }
        foreach (var stage in stages) for (var i = 0; i < 2000; i++) stage.Run(); // warm-up (tiered JIT)
        Thread.Sleep(200);
        foreach (var stage in stages) for (var i = 0; i < 2000; i++) stage.Run();

        var ticks = new long[stages.Length];
        var cpu = new long[stages.Length];
        var bytes = new long[stages.Length];
        const int Rounds = 10;
        for (var round = 0; round < Rounds; round++)
        {
            for (var s = 0; s < stages.Length; s++)
            {
                var run = stages[s].Run;
                var before = GC.GetAllocatedBytesForCurrentThread();
                var cpuStart = ThreadCpu.Nanoseconds();
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < iterations / Rounds; i++) run();
                ticks[s] += Stopwatch.GetTimestamp() - start;
                cpu[s] += ThreadCpu.Nanoseconds() - cpuStart;
                bytes[s] += GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }
        if (Environment.GetEnvironmentVariable("NCCO_PROFILE_ACTIONS") == "1")
        {
            foreach (var line in TwentyActionNcco.Json.Split('\n').Select(l => l.Trim().TrimEnd(',')).Where(l => l.StartsWith('{')))
            {
                var one = Encoding.UTF8.GetBytes("[" + line + "]");
                for (var i = 0; i < 3000; i++) NccoValidator.Validate(one.AsMemory());
                var b0 = GC.GetAllocatedBytesForCurrentThread();
                var t0 = Stopwatch.GetTimestamp();
                for (var i = 0; i < 20000; i++) NccoValidator.Validate(one.AsMemory());
                var us = (Stopwatch.GetTimestamp() - t0) * 1e6 / Stopwatch.Frequency / 20000;
                Console.WriteLine($"{us,8:F2} µs {(GC.GetAllocatedBytesForCurrentThread() - b0) / 20000,6} B  {line[..Math.Min(70, line.Length)]}");
            }
        }
        // cpu µs/op is this thread's CPU time (CLOCK_THREAD_CPUTIME_ID): on a shared, loaded machine the wall time
        // includes the time the thread waited for a core, its CPU time does not.
        Console.WriteLine($"{"stage",-52} {"µs/op",8} {"cpu µs/op",10} {"bytes/op",9}");
        for (var s = 0; s < stages.Length; s++)
        {
            var perOp = ticks[s] * 1e6 / Stopwatch.Frequency / iterations;
            var cpuPerOp = cpu[s] / 1e3 / iterations;
            Console.WriteLine($"{stages[s].Name,-52} {perOp,8:F2} {cpuPerOp,10:F2} {bytes[s] / iterations,9}");
        }
    }
}
