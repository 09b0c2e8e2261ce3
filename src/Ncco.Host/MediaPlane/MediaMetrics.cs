using System.Diagnostics.Metrics;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// Media instruments on the <c>Ncco.Host</c> meter: <c>ncco.media.frames_late</c> (20 ms ticks the media thread
/// reached after their deadline — the load benchmark's main signal), <c>ncco.media.legs_active</c> and
/// <c>ncco.recordings.failed</c> (recordings the disk refused or that could not be finished, by <c>stage</c>:
/// <c>start</c>, <c>write</c>, <c>finish</c>), and what tells a late tick's cause apart:
/// <c>ncco.media.frames_late_gc</c> (late frames whose wait saw the runtime pause every thread for a garbage
/// collection), <c>ncco.media.sends_late</c> (ticks whose packets were built after their send instant, see
/// <see cref="MediaThread"/>), <c>ncco.media.allocated</c> (bytes the media threads allocated, by <c>phase</c>:
/// <c>commands</c> — posted play/stop/topology work, which may allocate — and <c>frames</c> — the per-frame path, which
/// must stay at 0 on a steady call), and the process's <c>ncco.runtime.gc_pause_time</c> and
/// <c>ncco.runtime.gc_collections</c> (by <c>generation</c>), which stop the media threads like any other.
/// Where a late tick's time went: <c>ncco.media.frames_late_cause</c> (late frames by <c>cause</c>: <c>gc</c> — a
/// collection paused the process since the previous wake-up; <c>overrun</c> — the previous tick's own work ran past
/// this deadline; <c>wake</c> — neither: the thread was ready to sleep in time but got a core back late, the
/// scheduler's doing), and per tick, as cumulative buckets by <c>le</c> (ms): <c>ncco.media.tick_wake</c> (how long
/// after its deadline the ticking thread woke), <c>ncco.media.tick_build</c> (the tick's commands and audio work) and
/// <c>ncco.media.tick_send</c> (sending every leg's packet). <c>ncco.media.realtime_budget_exhausted</c> counts ticks
/// in which a real-time media thread used up <c>Ncco:Media:RealtimeBudgetPercent</c> and finished at nice −10, and
/// <c>ncco.cluster.bridge_ends</c> counts conversation bridge ends that stopped running (<see cref="Ncco.Host.Cluster.ConversationBridgeEnd"/>), and
/// <c>ncco.runtime.threadpool_queue_peak</c> the longest thread-pool queue the media thread saw (sampled once a second):
/// signalling and webhooks run there, not the media. For the whole process, not only the media threads:
/// <c>ncco.runtime.allocated</c> (bytes allocated since start: what feeds the collector; the setup bench divides
/// it by calls) and <c>ncco.runtime.exceptions</c> (exceptions thrown, caught or not: 0 on a call's normal path, each
/// one a stack walk under load).
/// </summary>
internal sealed class MediaMetrics : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Ncco.Host";

    private readonly Meter? _owned;
    private readonly Counter<long> _late;
    private readonly Counter<long> _recordingsFailed;
    private readonly Counter<long> _bridgeEnds;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string End, string Cause), long> _bridgeEndTotals = new();
    private long _recordingsFailedTotal;
    private int _legs;
    private long _lateTotal;
    private long _lateGcTotal;
    private long _sendsLate;
    private long _allocatedCommands;
    private long _allocatedFrames;
    private long _lateWake;
    private long _lateOverrun;
    private long _budgetExhausted;
    private long _poolQueuePeak;
    private long _exceptions;

    public MediaMetrics(IMeterFactory? factory)
    {
        var meter = factory?.Create(MeterName) ?? (_owned = new Meter(MeterName));
        _late = meter.CreateCounter<long>("ncco.media.frames_late", "{frame}", "Media ticks processed after their 20 ms deadline.");
        _recordingsFailed = meter.CreateCounter<long>("ncco.recordings.failed", "{recording}", "Recordings that could not be written (disk full, I/O errors), by stage.");
        _bridgeEnds = meter.CreateCounter<long>("ncco.cluster.bridge_ends", "{bridge}",
            "Conversation bridge ends that stopped running, by end (host: the stand-in's; leg: the bridged leg's node) and cause.");
        meter.CreateObservableGauge("ncco.media.legs_active", () => Volatile.Read(ref _legs), "{leg}", "Legs whose audio the media thread is processing.");
        meter.CreateObservableCounter("ncco.media.frames_late_gc", () => FramesLateInGc, "{frame}", "Late media ticks whose wait included a garbage-collection pause of the process.");
        meter.CreateObservableCounter("ncco.media.sends_late", () => SendsLate, "{tick}", "Media ticks whose packets were built after their send instant and left late.");
        meter.CreateObservableCounter("ncco.media.allocated", () => new[]
        {
            new Measurement<long>(Interlocked.Read(ref _allocatedCommands), new KeyValuePair<string, object?>("phase", "commands")),
            new Measurement<long>(Interlocked.Read(ref _allocatedFrames), new KeyValuePair<string, object?>("phase", "frames")),
        }, "By", "Bytes allocated on the media threads: by posted commands, and on the per-frame path (0 on steady calls).");
        meter.CreateObservableCounter("ncco.media.frames_late_cause", () => new[]
        {
            new Measurement<long>(FramesLateInGc, new KeyValuePair<string, object?>("cause", "gc")),
            new Measurement<long>(Interlocked.Read(ref _lateOverrun), new KeyValuePair<string, object?>("cause", "overrun")),
            new Measurement<long>(Interlocked.Read(ref _lateWake), new KeyValuePair<string, object?>("cause", "wake")),
        }, "{frame}", "Late media frames by cause: a GC pause, the previous tick's work overrunning, or a late wake-up.");
        meter.CreateObservableCounter("ncco.media.tick_wake", TickWake.Measurements, "{tick}", "Media ticks by how long after the deadline the thread woke (cumulative, le in ms).");
        meter.CreateObservableCounter("ncco.media.tick_build", TickBuild.Measurements, "{tick}", "Media ticks by the time their commands and audio work took (cumulative, le in ms).");
        meter.CreateObservableCounter("ncco.media.tick_send", TickSend.Measurements, "{tick}", "Media ticks by the time sending every leg's packet took (cumulative, le in ms).");
        meter.CreateObservableCounter("ncco.media.realtime_budget_exhausted", () => Interlocked.Read(ref _budgetExhausted), "{tick}",
            "Ticks in which a real-time media thread used its budget (Ncco:Media:RealtimeBudgetPercent) and finished at nice -10.");
        meter.CreateObservableGauge("ncco.runtime.threadpool_queue_peak", () => Interlocked.Read(ref _poolQueuePeak), "{work_item}",
            "The longest thread-pool queue seen (sampled by the media thread once a second).");
        meter.CreateObservableCounter("ncco.runtime.gc_pause_time", () => GC.GetTotalPauseDuration().TotalSeconds, "s", "Time the runtime paused every thread (the media threads too) for garbage collections.");
        meter.CreateObservableCounter("ncco.runtime.gc_collections", () => new[]
        {
            new Measurement<long>(GC.CollectionCount(0), new KeyValuePair<string, object?>("generation", "gen0")),
            new Measurement<long>(GC.CollectionCount(1), new KeyValuePair<string, object?>("generation", "gen1")),
            new Measurement<long>(GC.CollectionCount(2), new KeyValuePair<string, object?>("generation", "gen2")),
        }, "{collection}", "Garbage collections since start, by generation (a gen1 collection is counted in gen0 too).");
        meter.CreateObservableCounter("ncco.runtime.allocated", () => GC.GetTotalAllocatedBytes(), "By", "Bytes the process allocated since start (every thread).");
        meter.CreateObservableCounter("ncco.runtime.exceptions", () => Interlocked.Read(ref _exceptions), "{exception}",
            "Exceptions thrown in the process since start (first chance: caught ones too).");
        AppDomain.CurrentDomain.FirstChanceException += OnFirstChanceException;
    }

    /// <summary>Exceptions thrown in the process (caught or not) since this host started counting.</summary>
    public long Exceptions => Interlocked.Read(ref _exceptions);

    private void OnFirstChanceException(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e) => Interlocked.Increment(ref _exceptions);

    /// <summary>Late frames whose wait included a GC pause.</summary>
    public long FramesLateInGc => Interlocked.Read(ref _lateGcTotal);

    /// <summary>Ticks whose packets left after their send instant.</summary>
    public long SendsLate => Interlocked.Read(ref _sendsLate);

    /// <summary>Bytes allocated by the media threads on the per-frame path so far.</summary>
    public long AllocatedFrames => Interlocked.Read(ref _allocatedFrames);

    /// <summary>Bytes allocated by the media threads in posted commands so far.</summary>
    public long AllocatedCommands => Interlocked.Read(ref _allocatedCommands);

    /// <summary>Counts late frames; <paramref name="inGc"/> when a GC paused the process while the thread waited for them.</summary>
    public void Late(long frames, bool inGc) => Late(frames, inGc ? MediaLateCause.Gc : MediaLateCause.Wake);

    /// <summary>Counts late frames with what made them late.</summary>
    public void Late(long frames, MediaLateCause cause)
    {
        Late(frames);
        switch (cause)
        {
            case MediaLateCause.Gc:
                Interlocked.Add(ref _lateGcTotal, frames);
                break;
            case MediaLateCause.Overrun:
                Interlocked.Add(ref _lateOverrun, frames);
                break;
            default:
                Interlocked.Add(ref _lateWake, frames);
                break;
        }
    }

    /// <summary>Late frames whose previous tick's work ran past their deadline.</summary>
    public long FramesLateOverrun => Interlocked.Read(ref _lateOverrun);

    /// <summary>Late frames whose thread was ready in time and woke late, with no GC pause in between.</summary>
    public long FramesLateWake => Interlocked.Read(ref _lateWake);

    /// <summary>How late the ticking thread woke after each deadline.</summary>
    public TickHistogram TickWake { get; } = new();

    /// <summary>How long each tick's commands and audio work took (catch-up frames included).</summary>
    public TickHistogram TickBuild { get; } = new();

    /// <summary>How long sending each tick's packets took.</summary>
    public TickHistogram TickSend { get; } = new();

    /// <summary>Counts a tick in which a real-time media thread used up its budget.</summary>
    public void BudgetExhausted() => Interlocked.Increment(ref _budgetExhausted);

    /// <summary>Ticks in which a real-time media thread used up its budget so far.</summary>
    public long RealtimeBudgetExhausted => Interlocked.Read(ref _budgetExhausted);

    /// <summary>Keeps the longest thread-pool queue seen.</summary>
    public void PoolQueue(long length)
    {
        var peak = Interlocked.Read(ref _poolQueuePeak);
        while (length > peak)
        {
            var seen = Interlocked.CompareExchange(ref _poolQueuePeak, length, peak);
            if (seen == peak) return;
            peak = seen;
        }
    }

    /// <summary>The longest thread-pool queue seen so far.</summary>
    public long PoolQueuePeak => Interlocked.Read(ref _poolQueuePeak);

    /// <summary>Counts a tick whose packets left after their send instant.</summary>
    public void SendLate() => Interlocked.Increment(ref _sendsLate);

    /// <summary>Adds a media thread's allocations (bytes) in commands and on the per-frame path.</summary>
    public void Allocated(long commands, long frames)
    {
        if (commands != 0) Interlocked.Add(ref _allocatedCommands, commands);
        if (frames != 0) Interlocked.Add(ref _allocatedFrames, frames);
    }

    /// <summary>Late frames so far (also for tests and logs).</summary>
    public long FramesLate => Interlocked.Read(ref _lateTotal);

    /// <summary>Legs currently processed.</summary>
    public int LegsActive => Volatile.Read(ref _legs);

    public void Late(long frames)
    {
        Interlocked.Add(ref _lateTotal, frames);
        _late.Add(frames);
    }

    /// <summary>Recordings that failed so far (also for tests).</summary>
    public long RecordingsFailed => Interlocked.Read(ref _recordingsFailedTotal);

    /// <summary>Counts a failed recording; <paramref name="stage"/> is <c>start</c>, <c>write</c> or <c>finish</c>.</summary>
    public void RecordingFailed(string stage)
    {
        Interlocked.Increment(ref _recordingsFailedTotal);
        _recordingsFailed.Add(1, new KeyValuePair<string, object?>("stage", stage));
    }

    /// <summary>
    /// Counts a conversation bridge end that stopped running: <paramref name="end"/> is <c>host</c> or <c>leg</c>,
    /// <paramref name="cause"/> one of <c>peer_closed</c>, <c>ended_here</c>, <c>dropped</c>, <c>failed</c>, <c>not_opened</c>.
    /// </summary>
    public void BridgeEnded(string end, string cause)
    {
        _bridgeEndTotals.AddOrUpdate((end, cause), 1, (_, n) => n + 1);
        _bridgeEnds.Add(1, new KeyValuePair<string, object?>("end", end), new KeyValuePair<string, object?>("cause", cause));
    }

    /// <summary>Conversation bridge ends counted so far with that end and cause (also for tests).</summary>
    public long BridgeEnds(string end, string cause) => _bridgeEndTotals.GetValueOrDefault((end, cause));

    public void LegCount(int count) => Volatile.Write(ref _legs, count);

    public void Dispose()
    {
        AppDomain.CurrentDomain.FirstChanceException -= OnFirstChanceException;
        _owned?.Dispose();
    }
}
