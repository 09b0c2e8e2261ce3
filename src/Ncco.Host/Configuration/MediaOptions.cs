using Ncco.Media.Pcm;

namespace Ncco.Host.Configuration;

/// <summary>Settings of the media thread (<c>Ncco:Media</c>).</summary>
public sealed class MediaOptions
{
    /// <summary>The largest <see cref="Workers"/> value accepted.</summary>
    public const int MaxWorkers = 64;

    /// <summary>The largest <see cref="TtsCacheMegabytes"/> value accepted.</summary>
    public const int MaxTtsCacheMegabytes = 16384;

    /// <summary>
    /// Threads each 20 ms media tick is spread over, whole conversations per thread. Default 0: one per processor,
    /// at most 8. 1 runs every leg on the one media thread. 0–64.
    /// </summary>
    public int Workers { get; set; }

    /// <summary>
    /// Memory kept for rendered text-to-speech prompts, in MiB (text + voice + rate → audio, least recently used
    /// dropped first; a prompt played again, by the same call or another, is not synthesised again). Default 64
    /// (about 35 minutes of 16 kHz audio). 0 turns the cache off. 0–16384.
    /// </summary>
    public int TtsCacheMegabytes { get; set; } = 64;

    /// <summary>
    /// How the media threads ask Linux to schedule them: <c>High</c> (default: nice −10, so a due 20 ms tick preempts
    /// builds and other services instead of queueing behind them on a busy machine), <c>Realtime</c> (SCHED_RR, like
    /// <c>asterisk -p</c>) or <c>Normal</c>. Raising needs CAP_SYS_NICE; without it the host logs a warning once and
    /// the threads run at normal priority. Only the media threads are raised, never the process.
    /// </summary>
    public MediaThreadPriority ThreadPriority { get; set; } = MediaThreadPriority.High;

    /// <summary>The worker count to use: <see cref="Workers"/>, or for 0 the processor count capped at 8.</summary>
    public int EffectiveWorkers => Workers > 0 ? Workers : Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>Checks the settings; throws <see cref="InvalidOperationException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (Workers is < 0 or > MaxWorkers)
            throw new InvalidOperationException($"Ncco:Media:Workers is {Workers}: must be 0 (one per processor) to {MaxWorkers}");
        if (TtsCacheMegabytes is < 0 or > MaxTtsCacheMegabytes)
            throw new InvalidOperationException($"Ncco:Media:TtsCacheMegabytes is {TtsCacheMegabytes}: must be 0 (no cache) to {MaxTtsCacheMegabytes}");
        if (!Enum.IsDefined(ThreadPriority))
            throw new InvalidOperationException($"Ncco:Media:ThreadPriority is {ThreadPriority}: must be Normal, High or Realtime");
    }
}
