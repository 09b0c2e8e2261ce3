using System.Text.Json;

namespace Ncco.Cli.Tests;

/// <summary>
/// The runtime settings `ncco serve` ships with (Ncco.Cli.runtimeconfig.json, built from Ncco.Cli.csproj). The media
/// timing under load depends on them (docs/host-configuration.md, "The collector"), so a change to any is a decision
/// to measure with bench/side-by-side, not an accident of a project edit.
/// </summary>
public sealed class HostRuntimeConfigTests
{
    [Fact]
    public void The_host_runs_the_server_collector_with_background_gen2_on_one_heap_with_a_small_gen0_budget()
    {
        var properties = ConfigProperties();

        Assert.True(properties.GetProperty("System.GC.Server").GetBoolean(), "System.GC.Server");
        Assert.True(properties.GetProperty("System.GC.Concurrent").GetBoolean(), "System.GC.Concurrent");
        // Young collections every few MB, each copying little (pauses of a few ms during call setup), on one heap, whose
        // collection never waits for a second collector thread to get a core (bench/side-by-side/RESULTS.md,
        // 2026-12-07 22:40): dynamic adaptation off, as it would change the heap count.
        Assert.Equal(0, properties.GetProperty("System.GC.DynamicAdaptationMode").GetInt32());
        Assert.Equal(1, properties.GetProperty("System.GC.HeapCount").GetInt32());
        Assert.Equal(4 * 1024 * 1024, properties.GetProperty("System.GC.Gen0MaxBudget").GetInt64());
    }

    [Fact]
    public void No_collector_setting_measured_to_lengthen_pauses_or_hold_memory_is_shipped()
    {
        var properties = ConfigProperties();

        // Each was tried during 200 cps call setup and not kept (bench/side-by-side/RESULTS.md, 2026-12-07 17:00):
        // none shortened the pauses beyond the run's noise; RetainVM keeps freed segments committed (idle memory).
        // Gen0Size is a floor on the budget, the opposite of what shortens pauses (Gen0MaxBudget caps it).
        string[] notShipped =
        [
            "System.GC.RetainVM", "System.GC.Gen0Size", "System.GC.ConserveMemory",
            "System.GC.HeapAffinitizeMask", "System.GC.NoAffinitize", "System.GC.HeapHardLimit",
        ];
        foreach (var name in notShipped)
        {
            Assert.False(properties.TryGetProperty(name, out _), $"{name} is set in Ncco.Cli.runtimeconfig.json");
        }
    }

    [Fact]
    public void Tiered_pgo_stays_off_and_idle_pool_workers_do_not_spin()
    {
        var properties = ConfigProperties();

        Assert.False(properties.GetProperty("System.Runtime.TieredPGO").GetBoolean(), "System.Runtime.TieredPGO");
        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }

    private static JsonElement ConfigProperties()
    {
        // Copied next to the tests by the project reference, as next to Ncco.Cli.dll in the tool package.
        var path = Path.Combine(AppContext.BaseDirectory, "Ncco.Cli.runtimeconfig.json");
        Assert.True(File.Exists(path), $"{path} is missing");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }
}
