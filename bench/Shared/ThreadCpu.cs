using System.Runtime.InteropServices;

namespace Ncco.Benchmarks;

/// <summary>
/// CPU time of the calling thread (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>): on a shared, loaded box it
/// counts only the time this thread ran, not the time it waited for a core, so before/after ratios survive other
/// processes' load. Shared source of the benchmark projects (linked, not copied).
/// </summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTime = 3;

    /// <summary>The thread's CPU time in nanoseconds (0 where the clock is not available: not Linux).</summary>
    public static long Nanoseconds()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        return ClockGetTime(ClockThreadCpuTime, out var time) == 0 ? time.Seconds * 1_000_000_000 + time.Nanoseconds : 0;
    }

    /// <summary>The thread's CPU time in microseconds (0 where the clock is not available: not Linux).</summary>
    public static double Microseconds() => Nanoseconds() / 1e3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
