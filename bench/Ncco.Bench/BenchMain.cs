using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using BenchmarkDotNet.Running;
using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Bench;

// `dotnet run -c Release --project bench/Ncco.Bench -- figures` prints call-seconds per wall-second directly;
// anything else goes to BenchmarkDotNet (e.g. `-- --filter '*' --job short`).
internal static class BenchMain
{
    public static async Task Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "first-jit")
        {
            await JitProfile.RunAsync(args.Length > 1 && args[1] == "aspnet", args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 40);
            return;
        }
        if (args.Length > 0 && args[0] == "steady-jit")
        {
            await JitProfile.RunSteadyAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3000, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000, 40);
            return;
        }
        if (args.Length > 0 && args[0] == "first-split")
        {
            // Where the first scenario's time goes: the simulator + VM alone first (a delegate app), then the ASP.NET
            // app's start and its first scenario, which now pays only for what is ASP.NET's or the app's.
            // JIT counts and times (JitInfo) and process CPU time per phase: robust on a busy machine where wall time is not.
            var phases = new List<string>();
            var (jitCount, jitTime, cpuTime) = (JitInfo.GetCompiledMethodCount(), JitInfo.GetCompilationTime(), Process.GetCurrentProcess().TotalProcessorTime);
            void Phase(string name)
            {
                var (c, t, cpu) = (JitInfo.GetCompiledMethodCount(), JitInfo.GetCompilationTime(), Process.GetCurrentProcess().TotalProcessorTime);
                phases.Add(string.Create(CultureInfo.InvariantCulture,
                    $"  {name,-28} CPU={(cpu - cpuTime).TotalMilliseconds,6:0}ms  methods JIT-compiled={c - jitCount,6}  JIT time={(t - jitTime).TotalMilliseconds,6:0}ms"));
                (jitCount, jitTime, cpuTime) = (c, t, cpu);
            }
            var delegateFirst = Stopwatch.StartNew();
            await using (var d = VoiceSimulator.Start(IvrFlows.DelegateIvr())) await IvrFlows.MenuFlowAsync(d);
            delegateFirst.Stop();
            Phase("delegate first scenario");
            var delegateSecond = Stopwatch.StartNew();
            await using (var d = VoiceSimulator.Start(IvrFlows.DelegateIvr())) await IvrFlows.MenuFlowAsync(d);
            delegateSecond.Stop();
            Phase("delegate second scenario");
            var boot = Stopwatch.StartNew();
            await using var sim = await VoiceSimulator.StartAsync<Program>();
            boot.Stop();
            Phase("app start");
            var first = Stopwatch.StartNew();
            await IvrFlows.MenuFlowAsync(sim);
            first.Stop();
            Phase("first ASP.NET scenario");
            await using var sim2 = VoiceSimulator.Start(sim.App);
            var second = Stopwatch.StartNew();
            await IvrFlows.MenuFlowAsync(sim2);
            second.Stop();
            Phase("second ASP.NET scenario");
            foreach (var line in phases) Console.WriteLine(line);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"delegate first scenario={delegateFirst.Elapsed.TotalMilliseconds:0}ms delegate second={delegateSecond.Elapsed.TotalMilliseconds:0.0}ms "
                + $"then app start={boot.Elapsed.TotalMilliseconds:0}ms first ASP.NET scenario={first.Elapsed.TotalMilliseconds:0}ms second={second.Elapsed.TotalMilliseconds:0.0}ms"));
            return;
        }
        if (args.Length > 0 && args[0] == "first")
        {
            // A fresh process, as the first test of a test run is: boot the app, then the first scenario, then a second.
            var total = Stopwatch.StartNew();
            var boot = Stopwatch.StartNew();
            await using var sim = await VoiceSimulator.StartAsync<Program>();
            boot.Stop();
            var first = Stopwatch.StartNew();
            await IvrFlows.MenuFlowAsync(sim);
            first.Stop();
            await using var sim2 = VoiceSimulator.Start(sim.App);
            var second = Stopwatch.StartNew();
            await IvrFlows.MenuFlowAsync(sim2);
            second.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"app start={boot.Elapsed.TotalMilliseconds:0}ms first scenario={first.Elapsed.TotalMilliseconds:0}ms second scenario={second.Elapsed.TotalMilliseconds:0.0}ms total={total.Elapsed.TotalMilliseconds:0}ms"));
            return;
        }
        if (args.Length > 0 && args[0] == "profile")
        {
            await Profile.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000);
            return;
        }
        if (args.Length > 0 && args[0] == "figures")
        {
            var calls = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
            await using var app = await InProcessApp.StartAsync<Program>();
            // `figures N name` runs only the named flow (for perf record on one flow; `all` for every flow);
            // `figures N all W` warms up with W calls per flow instead of 200 (a steady state: tiered JIT finished, which
            // takes thousands of calls on a loaded 2-core box; the "methods JIT-compiled during the run" column shows it).
            var only = args.Length > 2 && args[2] != "all" ? args[2] : null;
            var warmUp = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 200;
            async Task Measure(string name, Func<Task<TimeSpan>> run)
            {
                if (only is not null && only != name) return;
                for (var i = 0; i < warmUp; i++) await run();
                var simulated = TimeSpan.Zero;
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var allocated = GC.GetTotalAllocatedBytes();
                var jitted = JitInfo.GetCompiledMethodCount();
                var sw = Stopwatch.StartNew();
                for (var i = 0; i < calls; i++) simulated += await run();
                sw.Stop();
                allocated = GC.GetTotalAllocatedBytes() - allocated;
                jitted = JitInfo.GetCompiledMethodCount() - jitted;
                cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-26} calls={calls} simulated={simulated.TotalSeconds / calls:0.0}s/call wall={sw.Elapsed.TotalMilliseconds / calls:0.000}ms/call  " +
                    $"call-seconds/wall-second={simulated.TotalSeconds / sw.Elapsed.TotalSeconds:N0}  calls/second={calls / sw.Elapsed.TotalSeconds:N0}  " +
                    $"CPU={cpu.TotalMilliseconds / calls:0.000}ms/call (call-seconds/CPU-second={simulated.TotalSeconds / cpu.TotalSeconds:N0})  allocated={allocated / 1024.0 / calls:0.0}KB/call  methods JIT-compiled during the run={jitted}"));
            }
            await Measure("AspNetIvr_SilenceFlow", async () => { await using var sim = VoiceSimulator.Start(app); return await IvrFlows.SilenceFlowAsync(sim); });
            await Measure("AspNetIvr_MenuFlow", async () => { await using var sim = VoiceSimulator.Start(app); return await IvrFlows.MenuFlowAsync(sim); });
            await Measure("DelegateIvr_SilenceFlow", async () => { await using var sim = VoiceSimulator.Start(IvrFlows.DelegateIvr()); return await IvrFlows.SilenceFlowAsync(sim); });
            await Measure("DelegateIvr_MenuFlow", async () => { await using var sim = VoiceSimulator.Start(IvrFlows.DelegateIvr()); return await IvrFlows.MenuFlowAsync(sim); });
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(IvrBenchmarks).Assembly).Run(args);
    }
}
