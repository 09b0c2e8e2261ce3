using System.Diagnostics;
using System.Globalization;
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
            async Task Measure(string name, Func<Task<TimeSpan>> run)
            {
                for (var i = 0; i < 200; i++) await run(); // warm-up
                var simulated = TimeSpan.Zero;
                var sw = Stopwatch.StartNew();
                for (var i = 0; i < calls; i++) simulated += await run();
                sw.Stop();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-26} calls={calls} simulated={simulated.TotalSeconds / calls:0.0}s/call wall={sw.Elapsed.TotalMilliseconds / calls:0.000}ms/call  " +
                    $"call-seconds/wall-second={simulated.TotalSeconds / sw.Elapsed.TotalSeconds:N0}  calls/second={calls / sw.Elapsed.TotalSeconds:N0}"));
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
