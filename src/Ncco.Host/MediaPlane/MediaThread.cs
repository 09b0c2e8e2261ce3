using System.Collections.Concurrent;
using Ncco.Legs;
using Ncco.Media.Mixing;
using Ncco.Media.Native;
using Ncco.Media.Pcm;
using Ncco.Media.Resampling;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// The media thread (a dedicated thread, not the thread pool): ONE 20 ms clock for every leg of every application in
/// the process. Each tick it runs queued commands (play, stop, topology, recordings — posted from VM threads and
/// transports), then, conversation by conversation, reads its legs' received audio (DTMF, VAD, ASR, mixer input), runs
/// its mixer, and builds and sends what each leg hears (mixer output + its playbacks, recorded on the way). The
/// conversations of a tick may be spread over several worker threads (<see cref="MediaTickWorkers"/>,
/// <c>Ncco:Media:Workers</c>), whole conversations per worker; commands always run alone first. So each piece of
/// per-leg and per-mixer state is touched by one thread at a time and needs no locks; the per-frame path does not
/// allocate.
/// </summary>
/// <remarks>
/// <para>Building and sending are two phases. A tick builds every leg's outbound packet (RTP transports hold it:
/// <see cref="IMediaTransport.FlushOutbound"/>), then the ticking thread waits until <see cref="SendDelay"/> after the
/// tick's deadline and sends every leg's packet in one tight loop (shared over the workers from
/// <see cref="ParallelFlushMinimumLegs"/> legs, without a pacer). What building cost — commands, a new call's first
/// frame, a second worker waking late, a slow decode — then moves no stream's timing as long as it fits in the delay:
/// leg k's packet leaves at the same offset (k sends) every tick. Without the split (<see cref="SendDelay"/> zero, the
/// default) a stream's packet leaves after all the work of the legs before it in the tick, which varies tick to tick.
/// The delay is added to the outbound audio's latency.</para>
/// When the thread falls behind, the clock reports several due frames: the missed ones are counted in
/// <c>ncco.media.frames_late</c> and up to <see cref="MaxCatchUpFrames"/> are produced at once so transports keep a
/// continuous stream; beyond that audio is skipped rather than queued (latency must not grow without bound).
/// </remarks>
internal sealed class MediaThread : IAsyncDisposable
{
    /// <summary>
    /// A converter for one leg's stream from <paramref name="inputRate"/> to <paramref name="outputRate"/> in blocks of
    /// <paramref name="blockSamples"/>: its own history, the filter designed once for that pair of rates (≈ 0.45 KB of
    /// coefficients a direction for 8 ↔ 16 kHz that every call would otherwise hold, and the design's time).
    /// </summary>
    public Resampler NewResampler(int inputRate, int outputRate, int blockSamples)
    {
        Resampler? design;
        lock (_resamplerGate)
        {
            if (!_resamplerDesigns.TryGetValue((inputRate, outputRate), out design))
            {
                design = new Resampler(inputRate, outputRate, 1);
                _resamplerDesigns.Add((inputRate, outputRate), design);
            }
        }
        return design.NewStream(blockSamples);
    }

    /// <summary>Internal rate of every mixer, recorder feed and playback (legs are resampled at the edges).</summary>
    public const int SampleRate = 16000;

    /// <summary>Samples in one 20 ms frame at <see cref="SampleRate"/>.</summary>
    public const int FrameSamples = SampleRate / 50;

    /// <summary>Most frames produced in one wake-up after a late tick.</summary>
    public const int MaxCatchUpFrames = 5;

    private readonly ConcurrentQueue<Action> _commands = new();
    private readonly List<LegMedia> _legs = [];
    private readonly Dictionary<string, LegMedia> _byId = new(StringComparer.Ordinal);
    private readonly List<MixerState> _mixers = [];
    private readonly Dictionary<string, MixerState> _mixersById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MediaMix> _lastMix = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    // One converter per pair of rates, its filter shared by every leg's converter for that pair (NewResampler). Legs
    // come from a few transports' rates, so this holds a handful.
    private readonly Lock _resamplerGate = new();
    private readonly Dictionary<(int Input, int Output), Resampler> _resamplerDesigns = [];

    // Who asked, during the current flush, to be told when it is done (usually one send pump). Under the gate: with
    // two or more workers the flush runs on all of them (FlushShare).
    private readonly List<ITickFlushListener> _flushListeners = new(2);
    private readonly Lock _flushListenersGate = new();

    // Set by the ticking thread around a parallel flush (read by the workers after the barrier that releases them):
    // whether MediaTickWorkers' phase is the flush (FlushShare) or the build (RunShare).
    private bool _flushing;

    private readonly MediaTickWorkers? _workers;
    private readonly MediaThreadPriority _priority;
    // One per worker (index 0: the ticking thread) at Realtime with a budget below 100 %; null otherwise.
    private readonly RealtimeBudget[]? _budgets;

    // The TimeProvider timestamp of the last wake-up of the clock (0 before the first), for the health check.
    private long _lastTick;

    // Between the ticking thread's wake-ups (Step): the process's GC pause total at the last one, whether the last tick's
    // work ended past the next deadline, and ticks run (for once-a-second samples).
    private TimeSpan _paused;
    private bool _overran;
    private long _stepped;

    // startClock: false for tests that drive Tick themselves. workers: threads a tick is spread over (1: all on the
    // ticking thread, the deterministic default for tests).
    // realtimeBudgetPercent: at Realtime, the share of each frame a media thread works under SCHED_RR before it drops
    // to nice −10 for the rest of the tick (RealtimeBudget); 100 never drops. Tests may pass their own budgets.
    public MediaThread(TimeProvider time, MediaMetrics metrics, PlaybackRenderer renderer, Ncco.Media.Asr.ISpeechRecognizer? recognizer, ILogger logger, bool startClock = true, int workers = 1,
        MediaThreadPriority priority = MediaThreadPriority.Normal, int realtimeBudgetPercent = 100, IReadOnlyList<RealtimeBudget>? budgets = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _time = time;
        Metrics = metrics;
        Renderer = renderer;
        DecimatedPrompts = new DecimatedPrompts(this);
        Recognizer = recognizer;
        _logger = logger;
        _priority = priority;
        if (budgets is not null)
        {
            if (budgets.Count != workers) throw new ArgumentException($"{budgets.Count} budgets for {workers} workers: one per worker", nameof(budgets));
            _budgets = [.. budgets];
        }
        else if (priority == MediaThreadPriority.Realtime && realtimeBudgetPercent < 100)
        {
            _budgets = new RealtimeBudget[workers];
            for (var i = 0; i < workers; i++) _budgets[i] = new RealtimeBudget(time, realtimeBudgetPercent);
        }
        if (workers > 1) _workers = new MediaTickWorkers(workers, worker =>
        {
            if (_flushing) FlushShare(worker, workers);
            else RunShare(worker, workers);
        }, logger, priority, metrics, _budgets);
        _loop = startClock ? StartThread() : Task.CompletedTask;
    }

    public MediaMetrics Metrics { get; }

    /// <summary>The host's clock (timestamps of recordings' claims).</summary>
    public TimeProvider Time => _time;

    /// <summary>True while the clock's thread runs (false once it stopped, failed, or when tests drive <see cref="Tick"/>).</summary>
    public bool ClockRunning => !_loop.IsCompleted;

    /// <summary>Time since the clock last woke up (since start before its first tick).</summary>
    public TimeSpan SinceLastTick
    {
        get
        {
            var last = Volatile.Read(ref _lastTick);
            return last == 0 ? TimeSpan.Zero : _time.GetElapsedTime(last);
        }
    }

    public PlaybackRenderer Renderer { get; }

    /// <summary>Prompts converted once to 8 kHz for every G.711 leg playing them (<see cref="MediaPlane.DecimatedPrompts"/>).</summary>
    public DecimatedPrompts DecimatedPrompts { get; }

    public Ncco.Media.Asr.ISpeechRecognizer? Recognizer { get; }

    /// <summary>Speech inputs' <see cref="Ncco.Media.Asr.AsrSettings.MinConfidence"/> (<c>Ncco:Media:SpeechMinConfidence</c>).</summary>
    public double SpeechMinConfidence { get; init; } = Ncco.Media.Asr.AsrSettings.DefaultMinConfidence;

    /// <summary>
    /// How long after each tick's deadline its packets are sent (<c>Ncco:Media:SendDelayMilliseconds</c>); the
    /// building must fit in it. Zero sends each tick's packets as soon as they are built.
    /// </summary>
    public TimeSpan SendDelay { get; init; }

    /// <summary>
    /// Kernel-timed sending (<c>Ncco:Media:PacedSend</c>, <c>Ncco:Media:SendLeadMilliseconds</c>): before building each
    /// frame the thread tells the pacer the instant that frame must leave — its tick's deadline plus the pacer's lead — and
    /// after the flush hands the tick's packets to the kernel in one call. The kernel then sends each at its instant
    /// whatever this thread is doing, so a GC pause shorter than the lead moves no packet, and one longer delays only the
    /// frames due after the lead ran out. <see cref="SendDelay"/> is not waited for then. Null: sent as flushed.
    /// </summary>
    public Ncco.Rtp.Sessions.PacedSender? Pacer { get; init; }

    /// <summary>Threads each tick is spread over.</summary>
    public int Workers => _workers?.Count ?? 1;

    public ILogger Logger => _logger;

    /// <summary>The process's total GC pause time so far (<see cref="GC.GetTotalPauseDuration"/>; tests pass their own).</summary>
    internal Func<TimeSpan> PauseTotal { get; init; } = GC.GetTotalPauseDuration;

    /// <summary>Per-stage timing of the ticks (benchmarks); null (the default) measures nothing.</summary>
    public MediaStageProfile? Profile { get; set; }

    /// <summary>Queues work for the media thread (any thread).</summary>
    public void Post(Action command) => _commands.Enqueue(command);

    /// <summary>
    /// Plays on a leg's media. A leg whose media does not exist yet (still ringing, or its transport failed) reports
    /// the playback finished at once, so the NCCO never waits on audio nobody can hear.
    /// </summary>
    public void Play(LegMedia? media, Ncco.Legs.Playback playback, Ncco.Legs.ILegEventSink? sink)
    {
        if (media is not null) Post(() => media.Play(playback));
        else sink?.PlaybackFinished(playback.Id);
    }

    /// <summary>Stops a playback on a leg's media, if it has any.</summary>
    public void StopPlayback(LegMedia? media, long playbackId)
    {
        if (media is not null) Post(() => media.Stop(playbackId));
    }

    // ---- media thread ---------------------------------------------------------------------------------------

    public LegMedia? FindLeg(string id) => _byId.GetValueOrDefault(id);

    /// <summary>
    /// Puts <paramref name="leg"/> on the media thread. A leg's uuid names one media object here: an older object with the
    /// same uuid (a stand-in whose bridge was re-created, a leg re-added after a re-join) is stale, since the VM never
    /// keeps two live legs of one uuid, so it is taken out as if removed and its owner's later removal finds nothing.
    /// </summary>
    public void Add(LegMedia leg)
    {
        if (_byId.TryGetValue(leg.Id, out var current))
        {
            if (ReferenceEquals(current, leg)) return;
            Remove(current);
        }
        _byId.Add(leg.Id, leg);
        _legs.Add(leg);
        Metrics.LegCount(_legs.Count);
        // The VM may have put the leg in a mix before its transport was ready: follow the last known topology.
        foreach (var mix in _lastMix.Values)
        {
            foreach (var p in mix.Participants)
            {
                if (p.LegId == leg.Id)
                {
                    ApplyMix(mix);
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Takes <paramref name="leg"/> off the media thread, by identity: a removal posted for an object that was never added
    /// (a leg ended before it opened) or was already replaced must not take out another object that reuses its uuid, which
    /// would stay in the tick list with no entry left to remove it by.
    /// </summary>
    public void Remove(LegMedia leg)
    {
        if (!_byId.TryGetValue(leg.Id, out var current) || !ReferenceEquals(current, leg)) return;
        _byId.Remove(leg.Id);
        _legs.Remove(leg);
        Metrics.LegCount(_legs.Count);
        if (leg.Mixer is { } mixer)
        {
            mixer.Remove(leg);
            DropIfIdle(mixer);
        }
        leg.Close();
    }

    /// <summary>Makes the conversation's mixer follow the VM's snapshot.</summary>
    public void ApplyMix(MediaMix mix)
    {
        if (mix.Participants.Count == 0) _lastMix.Remove(mix.ConversationId);
        else _lastMix[mix.ConversationId] = mix;
        var state = Mixer(mix.ConversationId, create: mix.Participants.Count > 0);
        if (state is null) return;
        // A set, not a scan of the snapshot per member: a room of N is re-applied on each of its N joins, and N² string
        // comparisons per join (N³ over a 500-caller ramp) stalled the media thread's command phase.
        var wanted = new HashSet<string>(mix.Participants.Count, StringComparer.Ordinal);
        foreach (var p in mix.Participants) wanted.Add(p.LegId);
        for (var i = state.Members.Count - 1; i >= 0; i--)
        {
            var member = state.Members[i];
            if (!wanted.Contains(member.Id)) state.Remove(member);
        }
        foreach (var p in mix.Participants)
        {
            if (!_byId.TryGetValue(p.LegId, out var leg)) continue;
            // Mute and canSpeak cannot be combined in the mixer; a muted leg reaches nobody anyway.
            var options = new ConferenceParticipantOptions(p.Muted ? null : p.CanSpeak, p.CanHear, p.Muted, p.Earmuffed);
            if (leg.Mixer == state)
            {
                leg.Participant!.Apply(options);
                continue;
            }
            if (leg.Mixer is { } previous)
            {
                previous.Remove(leg);
                DropIfIdle(previous);
            }
            leg.Participant = state.Mixer.Join(leg.Id, options);
            leg.Mixer = state;
            state.Members.Add(leg);
        }
        if (mix.Started) state.Mixer.Start();
        DropIfIdle(state);
    }

    public MixerState? Mixer(string conversationId, bool create)
    {
        if (_mixersById.TryGetValue(conversationId, out var state) || !create) return state;
        state = new MixerState(conversationId);
        _mixersById.Add(conversationId, state);
        _mixers.Add(state);
        return state;
    }

    public void DropIfIdle(MixerState state)
    {
        if (!state.IsIdle) return;
        _mixersById.Remove(state.ConversationId);
        _mixers.Remove(state);
    }

    /// <summary>One 20 ms tick: builds every leg's frame and sends them (media thread; public for deterministic tests).</summary>
    public void Tick()
    {
        _budgets?[0].Start();
        Build();
        if (_budgets is not null) EndBudget(_budgets[0]);
        Flush();
    }

    // The sends go out at real-time priority again: they are the part of the tick whose timing the callers hear.
    private void EndBudget(RealtimeBudget budget)
    {
        if (budget.Left) Metrics.BudgetExhausted();
        budget.Restore();
    }

    /// <summary>Runs the posted commands, then every conversation's and leg's audio for one frame (what RTP legs send waits for <see cref="Flush"/>).</summary>
    private void Build()
    {
        var profile = Profile;
        var t = profile is null ? 0 : MediaStageProfile.Now();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var budget = _budgets?[0];
        var ran = false;
        while (_commands.TryDequeue(out var command))
        {
            ran = true;
            budget?.Check();
            try
            {
                command();
            }
            catch (Exception e)
            {
                _logger.CommandFailed(e);
            }
        }
        if (ran)
        {
            // A command may have given a leg something to play, hear or listen to: its rate converters are made here,
            // with the commands, not on the frame path (LegMedia.PrepareConverters; a few field reads a leg, on the
            // few ticks that run commands).
            foreach (var leg in _legs) leg.PrepareConverters();
        }
        var commands = GC.GetAllocatedBytesForCurrentThread();
        if (profile is not null) profile.Lap(MediaStage.Commands, t);
        if (_workers is null) RunShare(0, 1);
        else _workers.Run();
        Metrics.Allocated(commands - before, GC.GetAllocatedBytesForCurrentThread() - commands);
        profile?.TickDone();
    }

    /// <summary>
    /// Legs from which a tick's sends are spread over the workers (<see cref="FlushShare"/>) rather than made by the
    /// ticking thread alone; below it one more barrier round costs more than the sends it shares. Tests lower it.
    /// </summary>
    internal int ParallelFlushMinimumLegs { get; init; } = 64;

    /// <summary>
    /// Sends every leg's built frame. With two or more workers, no pacer and at least <see cref="ParallelFlushMinimumLegs"/>
    /// legs the sends are shared out like the build (every n-th leg per worker): a loopback or LAN send is several
    /// microseconds of kernel work, so 1,000 legs' sends made by one thread after the build were most of a 20 ms
    /// tick (bench/side-by-side/RESULTS.md) while the other core waited at the barrier. With a pacer the ticking thread
    /// alone queues them (its ring has one producer).
    /// </summary>
    private void Flush()
    {
        if (_workers is not null && Pacer is null && _legs.Count >= ParallelFlushMinimumLegs)
        {
            _flushing = true;
            try
            {
                _workers.Run();
            }
            finally
            {
                _flushing = false;
            }
        }
        else FlushShare(0, 1);
        var listeners = _flushListeners;
        for (var i = 0; i < listeners.Count; i++)
        {
            try
            {
                listeners[i].TickFlushed();
            }
            catch (Exception e)
            {
                _logger.LegFailed(e, "flush listener");
            }
        }
        listeners.Clear();
        Pacer?.Submit();
    }

    /// <summary>One worker's share of a tick's sends: every <paramref name="workers"/>-th leg from <paramref name="worker"/> on (a leg is flushed by one thread).</summary>
    private void FlushShare(int worker, int workers)
    {
        var legs = _legs;
        for (var i = worker; i < legs.Count; i += workers)
        {
            var leg = legs[i];
            try
            {
                leg.Flush();
            }
            catch (Exception e)
            {
                if (leg.Faults++ == 0) _logger.LegFailed(e, leg.Id);
            }
        }
    }

    /// <summary>
    /// The CLOCK_MONOTONIC instant (ns) a frame of the tick due at <paramref name="tickDeadline"/> (on the media clock)
    /// must leave: <paramref name="monotonicNow"/> was read at clock time <paramref name="clockNow"/>; plus the lead.
    /// </summary>
    internal static long SendInstant(long monotonicNow, TimeSpan clockNow, TimeSpan tickDeadline, long leadNanoseconds) =>
        monotonicNow + ((tickDeadline - clockNow).Ticks * 100) + leadNanoseconds;

    /// <summary>
    /// During <see cref="IMediaTransport.FlushOutbound"/> (on whichever media worker flushes the leg): tell <paramref name="listener"/> once
    /// when this tick's flush of every leg is done. Asking again in the same flush changes nothing; no allocation.
    /// </summary>
    internal void AfterFlush(ITickFlushListener listener)
    {
        lock (_flushListenersGate)
        {
            var listeners = _flushListeners;
            for (var i = 0; i < listeners.Count; i++)
            {
                if (ReferenceEquals(listeners[i], listener)) return;
            }
            listeners.Add(listener);
        }
    }

    /// <summary>
    /// One worker's share of a tick: every <paramref name="workers"/>-th conversation from <paramref name="worker"/> on
    /// — its legs' inbound audio, its mix, its legs' outbound audio — then likewise the legs in no conversation.
    /// Conversations share nothing (a leg is in at most one; DTMF is forwarded only within one), so whole
    /// conversations on one thread keep all of a leg's and a mixer's state on that thread for the tick.
    /// </summary>
    private void RunShare(int worker, int workers)
    {
        var profile = Profile;
        var budget = _budgets?[worker];
        for (var i = worker; i < _mixers.Count; i += workers)
        {
            budget?.Check();
            var mixer = _mixers[i];
            var members = mixer.Members;
            for (var j = 0; j < members.Count; j++) Guard(members[j], inbound: true);
            var t = profile is null ? 0 : MediaStageProfile.Now();
            Mix(mixer);
            profile?.Lap(MediaStage.Mix, t);
            for (var j = 0; j < members.Count; j++) Guard(members[j], inbound: false);
        }
        for (var i = worker; i < _legs.Count; i += workers)
        {
            var leg = _legs[i];
            if (leg.Mixer is not null) continue;
            budget?.Check();
            Guard(leg, inbound: true);
            Guard(leg, inbound: false);
        }
    }

    private void Mix(MixerState mixer)
    {
        try
        {
            mixer.Mix();
        }
        catch (Exception e)
        {
            if (mixer.Faults++ == 0) _logger.MixingFailed(e, mixer.ConversationId);
        }
    }

    private void Guard(LegMedia leg, bool inbound)
    {
        try
        {
            if (inbound) leg.Inbound();
            else leg.Outbound();
        }
        catch (Exception e)
        {
            // One broken leg must not stop the others' audio: log and silence it until its transport ends it.
            if (leg.Faults++ == 0) _logger.LegFailed(e, leg.Id);
        }
    }

    // A thread of its own, not the thread pool: see MediaClock for why a pooled timer loses audio under load.
    private Task StartThread()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var token = _stop.Token;
        var thread = new Thread(() =>
        {
            try
            {
                Run(token);
                done.SetResult();
            }
            catch (Exception e)
            {
                _logger.MediaThreadStopped(e);
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "ncco-media-0",
        };
        thread.Start();
        return done.Task;
    }

    private void Run(CancellationToken cancellationToken)
    {
        ApplyPriority(_priority, _logger);
        var clock = new MediaClock(_time);
        _paused = PauseTotal();
        while (true)
        {
            var frames = clock.WaitForNextTick(cancellationToken);
            if (frames == 0 || !Step(clock, frames, cancellationToken)) break;
        }
    }

    /// <summary>
    /// What the ticking thread does once <paramref name="clock"/> reported <paramref name="frames"/> due: accounts for a
    /// late wake-up and its cause, builds (catching up to <see cref="MaxCatchUpFrames"/>), waits for the send instant
    /// (<see cref="SendDelay"/>), sends, and records how long each part took. False when cancelled while waiting. Does
    /// not allocate. Internal for tests that drive the clock themselves.
    /// </summary>
    internal bool Step(MediaClock clock, int frames, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _lastTick, _time.GetTimestamp());
        var budget = _budgets?[0];
        budget?.Start();
        Metrics.TickWake.Record(clock.Lateness(frames));
        // A GC suspends this thread like every other: a late wake-up that spans a pause is the collector's, not the
        // scheduler's; a previous tick whose work was still running at this deadline is our own work's; the rest is the
        // scheduler's (the thread was ready to sleep in time and got a core late). The bench tells them apart.
        var pausedNow = PauseTotal();
        if (frames > 1) Metrics.Late(frames - 1, pausedNow > _paused ? MediaLateCause.Gc : _overran ? MediaLateCause.Overrun : MediaLateCause.Wake);
        _paused = pausedNow;
        var started = clock.Elapsed;
        var run = Math.Min(frames, MaxCatchUpFrames);
        var pacer = Pacer;
        // One reading of both clocks per wake-up: each built frame's instant is its own tick's (the latest `run` ticks,
        // 20 ms apart) plus the lead, so frames built late after a pause still leave on the 20 ms grid where there is time.
        var monotonicNow = pacer is null ? 0 : Ncco.Rtp.Sessions.PacedSender.Now();
        var clockNow = pacer is null ? TimeSpan.Zero : clock.Elapsed;
        for (var i = 0; i < run; i++)
        {
            if (pacer is not null) pacer.FrameDeadline = SendInstant(monotonicNow, clockNow, clock.NextDeadline - (PcmFormat.FrameDuration * (run - i)), pacer.LeadNanoseconds);
            Build();
        }
        Metrics.TickBuild.Record(clock.Elapsed - started);
        if (budget is not null) EndBudget(budget);
        if (pacer is null && SendDelay > TimeSpan.Zero && !clock.WaitUntilAfterTick(SendDelay, cancellationToken))
        {
            if (cancellationToken.IsCancellationRequested) return false;
            Metrics.SendLate();
        }
        var sending = clock.Elapsed;
        Flush();
        var done = clock.Elapsed;
        Metrics.TickSend.Record(done - sending);
        _overran = done > clock.NextDeadline;
        // Signalling and webhooks run on the thread pool, not here: its queue, sampled once a second, tells whether
        // they were starved while the media ran (PendingWorkItemCount counts without allocating).
        if (++_stepped % 50 == 0) Metrics.PoolQueue(ThreadPool.PendingWorkItemCount);
        return true;
    }

    /// <summary>Raises the calling media thread's scheduling priority; a refusal is logged and the thread runs on at normal priority.</summary>
    internal static void ApplyPriority(MediaThreadPriority priority, ILogger logger)
    {
        if (!MediaThreadScheduling.TryApply(priority, out var error)) logger.PriorityRefused(Thread.CurrentThread.Name ?? "media", priority, error ?? "");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _workers?.Dispose();
        _stop.Dispose();
    }
}
