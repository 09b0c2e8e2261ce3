using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Ncco;
using Ncco.Bench;
using Ncco.Testing;

namespace FirstScenario.Tests;

// The only test of the process, so its scenario is the first one: bench/Ncco.Bench's IVR menu as delegates and its menu
// flow (IvrFlows, compiled in from there) — the virtual caller and the VM, with no app framework of its own to start.
// It appends one line to the file named by NCCO_FIRST_OUT: wall and CPU time of the scenario, methods JIT-compiled
// during it, and where the Ncco assemblies were loaded from (lib/ or runtimes/<rid>/lib/).
public class FirstScenarioTests
{
    [Fact]
    public async Task First_scenario_of_the_process()
    {
        var (jit, cpu) = (JitInfo.GetCompiledMethodCount(), Process.GetCurrentProcess().TotalProcessorTime);
        var wall = Stopwatch.StartNew();
        await using (var sim = VoiceSimulator.Start(IvrFlows.DelegateIvr()))
        {
            await IvrFlows.MenuFlowAsync(sim);
        }
        wall.Stop();
        var line = string.Create(CultureInfo.InvariantCulture,
            $"wall={wall.Elapsed.TotalMilliseconds:0.0} cpu={(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds:0.0} jit={JitInfo.GetCompiledMethodCount() - jit} testing={Where(typeof(VoiceSimulator))} runtime={Where(typeof(NccoBuilder))}");
        var output = Environment.GetEnvironmentVariable("NCCO_FIRST_OUT");
        if (output is not null) await File.AppendAllTextAsync(output, line + Environment.NewLine);
        Assert.True(wall.Elapsed > TimeSpan.Zero);
    }

    private static string Where(Type type)
    {
        var location = type.Assembly.Location.Replace('\\', '/');
        var at = location.IndexOf("/runtimes/", StringComparison.Ordinal);
        return at < 0 ? "lib" : location[(at + 1)..];
    }
}
