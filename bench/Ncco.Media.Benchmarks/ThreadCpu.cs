using System.Runtime.InteropServices;

namespace Ncco.Media.Benchmarks;

/// <summary>
/// CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>): on a shared, loaded box it counts only the
/// time this thread ran, not the time it waited for a core, so before/after ratios survive other processes' load.
/// </summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);

    /// <summary>The thread's CPU time in microseconds (0 where the clock is not available: not Linux).</summary>
    public static double Microseconds()
    {
        if (!OperatingSystem.IsLinux() || ClockGetTime(ClockThreadCpuTimeId, out var t) != 0)
        {
            return 0;
        }
        return t.Seconds * 1e6 + t.Nanoseconds / 1e3;
    }
}
