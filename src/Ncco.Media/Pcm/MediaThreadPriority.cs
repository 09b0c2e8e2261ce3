namespace Ncco.Media.Pcm;

/// <summary>How a media thread asks the operating system to schedule it (<see cref="Native.MediaThreadScheduling"/>).</summary>
public enum MediaThreadPriority
{
    /// <summary>Like every other thread (nice 0): on a busy machine the 20 ms tick waits its turn with everything else.</summary>
    Normal,

    /// <summary>
    /// Nice −10 (Linux): about nine times the CPU weight of a normal thread, so a tick that becomes runnable preempts
    /// builds and other servers' threads instead of queueing behind them. Needs CAP_SYS_NICE (root in most
    /// containers); without it the thread stays at normal priority.
    /// </summary>
    High,

    /// <summary>
    /// SCHED_RR at priority 10 (Linux; like <c>asterisk -p</c>): the tick always runs when due. The kernel's real-time
    /// throttling (95 % of each second by default) still leaves the rest of the machine room if the thread ever spins.
    /// Needs CAP_SYS_NICE or an RLIMIT_RTPRIO.
    /// </summary>
    Realtime,
}
