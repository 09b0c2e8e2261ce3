using Xunit;

namespace Ncco.Tests.Shared;

/// <summary>
/// Asserts that a hot path allocates nothing once it runs steady-state code. Compiled into each test project that
/// needs it (linked from tests/Shared).
/// </summary>
/// <remarks>
/// Why windows instead of one measurement after a warm-up: a method still running its unoptimised or Dynamic PGO
/// instrumented body heap-allocates what its optimised body keeps on the stack (escape analysis), and when the
/// background JIT swaps the bodies is up to the machine's load — a fixed warm-up or sleep is not enough on a busy box
/// (seen: a few hundred bytes, once, in a fresh CI process; none with <c>DOTNET_TieredPGO=0</c>). Windows are measured
/// until one allocates nothing; a real per-tick allocation never gives such a window and fails the test with every
/// window's count.
/// </remarks>
internal static class SteadyStateAllocation
{
    /// <summary>
    /// Runs <paramref name="tick"/> in windows of <paramref name="ticksPerWindow"/> calls on this thread until a
    /// window (after the first, which is warm-up) allocates nothing; fails after <paramref name="maxWindows"/>.
    /// <paramref name="afterWindow"/> runs after each window (checks that must hold for every window: packets
    /// received, reports sent).
    /// </summary>
    public static void AssertNone(Action tick, int ticksPerWindow, Action? afterWindow = null, int maxWindows = 40)
    {
        var windows = new List<long>();
        for (var window = 0; window < maxWindows; window++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < ticksPerWindow; i++)
            {
                tick();
            }
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            afterWindow?.Invoke();
            windows.Add(allocated);
            if (window > 0 && allocated == 0)
            {
                return;
            }
        }
        Assert.Fail($"no window of {ticksPerWindow} ticks without allocation on this thread; bytes per window: {string.Join(", ", windows)}");
    }
}
