using System.Runtime.InteropServices;
using Ncco.Media.Pcm;

namespace Ncco.Media.Native;

/// <summary>
/// Scheduling of the calling thread for media work: its priority (<see cref="TryApply(MediaThreadPriority, out string?)"/>, or another thread's with <see cref="TryApply(int, MediaThreadPriority, out string?)"/>) and sub-millisecond sleeps
/// (<see cref="TrySleepPrecise"/>). Linux only; elsewhere both report that they did nothing, and callers keep the
/// portable behaviour (normal priority, millisecond waits).
/// </summary>
/// <remarks>
/// .NET's <see cref="Thread.Priority"/> does nothing on Linux, so the calls go to libc. They act on the calling thread
/// only (its kernel thread id), never on the process: the host's other threads keep their normal share.
/// </remarks>
public static partial class MediaThreadScheduling
{
    private const int PrioProcess = 0;       // PRIO_PROCESS: with a thread id, setpriority acts on that thread
    private const int SchedOther = 0;        // SCHED_OTHER: the normal, fair policy
    private const int SchedFifo = 1;         // SCHED_FIFO
    private const int SchedRoundRobin = 2;   // SCHED_RR
    private const int SchedResetOnFork = 0x40000000;
    private const int ClockMonotonic = 1;    // CLOCK_MONOTONIC: Stopwatch's clock on Linux
    private const int HighNice = -10;
    private const int RealtimePriority = 10;

    /// <summary>
    /// Gives the calling thread <paramref name="priority"/>. Returns false with the reason (e.g. "setpriority: errno
    /// 13 (EACCES)") when the system refused or is not Linux; the thread then keeps running at normal priority.
    /// </summary>
    public static bool TryApply(MediaThreadPriority priority, out string? error)
    {
        if (!OperatingSystem.IsLinux())
        {
            error = priority == MediaThreadPriority.Normal ? null : "thread priorities are only set on Linux";
            return priority == MediaThreadPriority.Normal;
        }
        return TryApply(GetTid(), priority, out error);
    }

    /// <summary>
    /// Gives another thread of this process (its kernel thread id, as listed in <c>/proc/self/task</c>)
    /// <paramref name="priority"/>: for threads the runtime starts, such as the garbage collector's, whose pauses stop
    /// the media threads too. Same results as <see cref="TryApply(MediaThreadPriority, out string?)"/>.
    /// </summary>
    public static bool TryApply(int threadId, MediaThreadPriority priority, out string? error)
    {
        error = null;
        if (priority == MediaThreadPriority.Normal) return true;
        if (!OperatingSystem.IsLinux())
        {
            error = "thread priorities are only set on Linux";
            return false;
        }
        var tid = threadId;
        if (priority == MediaThreadPriority.High)
        {
            if (SetPriority(PrioProcess, tid, HighNice) == 0) return true;
            error = $"setpriority(nice {HighNice}) failed: errno {Marshal.GetLastPInvokeError()}";
            return false;
        }
        // Nice −10 first: a real-time thread that drops back to the normal policy (TryLeaveRealtime) keeps its nice
        // value, so the work it does past its real-time budget still outweighs the rest of the machine's.
        _ = SetPriority(PrioProcess, tid, HighNice);
        var param = RealtimePriority;
        if (SchedSetScheduler(tid, SchedRoundRobin, ref param) == 0) return true;
        error = $"sched_setscheduler(SCHED_RR {RealtimePriority}) failed: errno {Marshal.GetLastPInvokeError()}";
        return false;
    }

    /// <summary>
    /// The real-time priority <see cref="TryApplySender"/> gives: one above <see cref="MediaThreadPriority.Realtime"/>'s
    /// media threads, so a sender woken at its packets' instant never waits behind a media thread's tick.
    /// </summary>
    public const int SenderRealtimePriority = RealtimePriority + 1;

    /// <summary>
    /// Makes the calling thread a real-time sender: nice −10, then SCHED_FIFO at <see cref="SenderRealtimePriority"/>
    /// (reset on fork). For a thread whose work per wake-up is small and bounded (sending already-built packets) and whose
    /// wake-up latency is what the packets' timing is: a woken real-time thread preempts every normal one at once, where
    /// a woken nice −10 thread may wait milliseconds behind the running thread's slice. Returns false with the reason when
    /// refused (no CAP_SYS_NICE or RLIMIT_RTPRIO, not Linux); the nice −10 is kept when only that was allowed.
    /// </summary>
    public static bool TryApplySender(out string? error)
    {
        if (!OperatingSystem.IsLinux())
        {
            error = "thread priorities are only set on Linux";
            return false;
        }
        var tid = GetTid();
        _ = SetPriority(PrioProcess, tid, HighNice);
        var param = SenderRealtimePriority;
        if (SchedSetScheduler(tid, SchedFifo | SchedResetOnFork, ref param) == 0)
        {
            error = null;
            return true;
        }
        error = $"sched_setscheduler(SCHED_FIFO {SenderRealtimePriority}) failed: errno {Marshal.GetLastPInvokeError()}";
        return false;
    }

    /// <summary>
    /// Moves the calling thread from SCHED_RR back to the normal policy (SCHED_OTHER), keeping its nice value (−10 when
    /// <see cref="MediaThreadPriority.Realtime"/> was applied by <see cref="TryApply(MediaThreadPriority, out string?)"/>):
    /// what a real-time media thread does once its work in a tick passes its budget, so it never holds a core from the
    /// rest of the machine for longer than that. <see cref="TryApply(MediaThreadPriority, out string?)"/> with
    /// <see cref="MediaThreadPriority.Realtime"/> gives SCHED_RR back. False (nothing done) off Linux or when refused.
    /// </summary>
    public static bool TryLeaveRealtime()
    {
        if (!OperatingSystem.IsLinux()) return false;
        var param = 0;
        return SchedSetScheduler(0, SchedOther, ref param) == 0;
    }

    /// <summary>
    /// Whether the calling thread runs under a real-time policy (SCHED_FIFO or SCHED_RR) now; false off Linux.
    /// </summary>
    public static bool IsRealtime()
    {
        if (!OperatingSystem.IsLinux()) return false;
        var policy = SchedGetScheduler(0) & ~SchedResetOnFork;
        return policy is SchedFifo or SchedRoundRobin;
    }

    /// <summary>
    /// Sleeps the calling thread for <paramref name="duration"/> with nanosecond resolution (clock_nanosleep on the
    /// monotonic clock). Returns false without sleeping where that is not available (not Linux): use a millisecond
    /// wait then. Not cancellable: keep the duration short (the media clock sleeps at most one frame).
    /// </summary>
    public static bool TrySleepPrecise(TimeSpan duration)
    {
        if (!OperatingSystem.IsLinux()) return false;
        if (duration <= TimeSpan.Zero) return true;
        var ticks = duration.Ticks;
        var request = new TimeSpec { Seconds = ticks / TimeSpan.TicksPerSecond, Nanoseconds = ticks % TimeSpan.TicksPerSecond * 100 };
        // EINTR (a signal) returns early: the clock re-reads the time and waits again, so no loop here.
        _ = ClockNanosleep(ClockMonotonic, 0, in request, IntPtr.Zero);
        return true;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    private static partial int SchedSetScheduler(int pid, int policy, ref int param);

    [LibraryImport("libc", EntryPoint = "sched_getscheduler")]
    private static partial int SchedGetScheduler(int pid);

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clock, int flags, in TimeSpec request, IntPtr remaining);
}
