using Ncco.Scheduling;

namespace Ncco.Testing.Time;

/// <summary>Why a <see cref="VirtualScheduler.RunUntilAsync"/> stopped.</summary>
public enum RunOutcome
{
    /// <summary>The condition became true.</summary>
    Satisfied,
    /// <summary>Nothing is runnable, nothing is in flight and no timer is due: nothing more can happen by itself.</summary>
    Idle,
    /// <summary>The next timer is beyond the virtual deadline.</summary>
    DeadlineReached,
    /// <summary>A webhook stayed in flight longer than the real-time guard.</summary>
    WebhookStuck,
}

/// <summary>
/// The simulator's own scheduler. Time is virtual and advances only when no work is runnable and no webhook is in
/// flight; it then jumps to the next due timer. Timers due at the same instant fire in creation order. Nothing runs on
/// thread-pool timers, so runs are deterministic.
/// </summary>
public sealed class VirtualScheduler : VmScheduler
{
    // Both collections are kept to what the ReadyToRun images of this package can hold precompiled, so a fresh test
    // process does not JIT-compile them for its first scenario (bench/first-scenario): the timer order is a comparer of
    // ours (Comparer<(DateTimeOffset, long)>.Default and SortedDictionary<long, …> are framework generics over value
    // types that are compiled at run time), and the completions are a list of reference slots.
    private readonly PriorityQueue<Timer, (DateTimeOffset Due, long Seq)> _timers = new(TimerOrder.Instance);
    private readonly object _timerGate = new();
    // Webhook completions not yet delivered: slot i holds completion number _nextCompletion + i (null until it comes
    // back). Each external work completes once and is numbered in start order, so the window only moves forward.
    private readonly List<Action?> _completions = [];
    private long _nextCompletion = 1;
    private long _seq;
    private DateTimeOffset _now;
    private volatile TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _signal = new(false);
    // Voice REST API requests being applied, and the real-time instant before which the app may still be about to
    // send one (a webhook answer or a REST request just finished): time does not advance while either holds.
    private int _holds;
    private long _quietAfter;

    /// <summary>Creates a scheduler whose clock starts at <paramref name="start"/>.</summary>
    public VirtualScheduler(DateTimeOffset start) => _now = start;

    /// <inheritdoc />
    public override DateTimeOffset UtcNow => _now;

    /// <summary>How long (real time) a webhook may stay in flight before the run gives up. Default 30 s.</summary>
    public TimeSpan WebhookGuard { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Real time the app is given after each webhook answer (and after each of its REST requests) to send a Voice REST
    /// API request before virtual time moves on. Zero (the default) when the simulator serves no REST API.
    /// </summary>
    internal TimeSpan SettleWindow { get; set; }

    /// <summary>The machine's clock, for <see cref="SettleWindow"/> only (the call's time is virtual).</summary>
    internal TimeProvider RealTime { get; set; } = TimeProvider.System;

    /// <summary>
    /// Keeps virtual time where it is until the returned handle is disposed (a REST request being applied); disposing
    /// it opens a new <see cref="SettleWindow"/>, since an app often sends a second request right after the first.
    /// </summary>
    internal IDisposable Hold()
    {
        Interlocked.Increment(ref _holds);
        return new HoldHandle(this);
    }

    private void Release()
    {
        Settle();
        Interlocked.Decrement(ref _holds);
        _wake.TrySetResult();
        _signal.Set();
    }

    private void Settle()
    {
        if (SettleWindow > TimeSpan.Zero) Volatile.Write(ref _quietAfter, RealTime.GetTimestamp() + (long)(SettleWindow.TotalSeconds * RealTime.TimestampFrequency));
    }

    /// <summary>Real time left before virtual time may advance (zero when it may now), and whether a REST request is being applied.</summary>
    private TimeSpan Unsettled(out bool held)
    {
        held = Volatile.Read(ref _holds) > 0;
        if (held) return WebhookGuard;
        var left = Volatile.Read(ref _quietAfter) - RealTime.GetTimestamp();
        return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)left / RealTime.TimestampFrequency);
    }

    /// <summary>Number of timers pending.</summary>
    public int PendingTimers
    {
        get { lock (_timerGate) return _timers.Count; }
    }

    /// <inheritdoc />
    public override IDisposable Schedule(TimeSpan dueIn, Action work)
    {
        var timer = new Timer(work);
        lock (_timerGate) _timers.Enqueue(timer, (_now + (dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn), ++_seq));
        return timer;
    }

    /// <summary>Moves the clock forward to <paramref name="time"/> when nothing is scheduled before it (never backwards).</summary>
    internal void AdvanceTo(DateTimeOffset time)
    {
        lock (_timerGate)
        {
            while (_timers.TryPeek(out var t, out _) && t.Cancelled) _timers.Dequeue();
            if (_timers.TryPeek(out _, out var next) && next.Due < time)
                throw new InvalidOperationException("A timer is due before the time to advance to; run the scheduler instead.");
            if (time > _now) _now = time;
        }
    }

    /// <inheritdoc />
    protected override void OnWorkPosted()
    {
        _wake.TrySetResult();
        _signal.Set();
    }

    /// <summary>Holds webhook completions back; they are delivered one at a time, in request order, when the VM is idle.</summary>
    protected override void CompleteExternal(long sequence, Action deliver) => Hold(sequence, deliver);

    /// <summary>
    /// A call-setup completion (an answer webhook's) is held with the others, in request order: they are delivered only
    /// when the VM is idle, so no lane has anything to overtake and virtual runs stay deterministic.
    /// </summary>
    protected override void CompleteSetupExternal(long sequence, Action deliver) => Hold(sequence, deliver);

    private void Hold(long sequence, Action deliver)
    {
        lock (_completions)
        {
            var slot = checked((int)(sequence - _nextCompletion));
            while (_completions.Count <= slot) _completions.Add(null);
            _completions[slot] = deliver;
        }
        _wake.TrySetResult();
        _signal.Set();
    }

    private bool DeliverNextCompletion()
    {
        Action deliver;
        lock (_completions)
        {
            if (_completions.Count == 0 || _completions[0] is not { } next) return false;
            deliver = next;
            _completions.RemoveAt(0);
            _nextCompletion++;
        }
        Settle();
        Post(deliver);
        return true;
    }

    /// <summary>
    /// Runs the VM until <paramref name="condition"/> holds, advancing virtual time as needed but never past
    /// <paramref name="deadline"/>.
    /// </summary>
    public async Task<RunOutcome> RunUntilAsync(Func<bool> condition, DateTimeOffset deadline)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            var wake = _wake;
            RunPending();
            if (condition()) return RunOutcome.Satisfied;
            if (HasRunnableWork) continue;
            if (DeliverNextCompletion()) continue;
            if (InFlight > 0)
            {
                if (wake.Task.IsCompleted)
                {
                    _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
                    continue;
                }
                var finished = await Task.WhenAny(wake.Task, Task.Delay(WebhookGuard)).ConfigureAwait(false);
                if (finished != wake.Task && InFlight > 0 && !HasRunnableWork) return RunOutcome.WebhookStuck;
                _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
                continue;
            }
            if (wake.Task.IsCompleted) _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
            if (deadline > _now && Unsettled(out _) is { } wait && wait > TimeSpan.Zero && !FireDueTimers())
            {
                await Task.WhenAny(_wake.Task, Task.Delay(wait, RealTime)).ConfigureAwait(false);
                continue;
            }
            if (!FireNextTimers(deadline, out var outcome)) return outcome;
        }
    }

    /// <summary>
    /// <see cref="RunUntilAsync"/> on the calling thread, blocking it (and only it) while a webhook is in flight:
    /// the simulator calls it on a thread of its own, so a run needs no thread-pool thread to wake up.
    /// </summary>
    public RunOutcome RunUntil(Func<bool> condition, DateTimeOffset deadline)
    {
        ArgumentNullException.ThrowIfNull(condition);
        RunOutcome outcome;
        while (!TryRunUntil(condition, deadline, out outcome))
        {
            if (InFlight == 0)
            {
                // Settling: wait for the app's REST request or the end of the window, whichever comes first.
                var wait = Unsettled(out var held);
                if (wait > TimeSpan.Zero && !_signal.Wait(wait) && held && Volatile.Read(ref _holds) > 0 && !HasRunnableWork) return RunOutcome.WebhookStuck;
                continue;
            }
            if (!_signal.Wait(WebhookGuard) && InFlight > 0 && !HasRunnableWork && !HasCompletion) return RunOutcome.WebhookStuck;
        }
        return outcome;
    }

    /// <summary>
    /// Runs as <see cref="RunUntil"/> does for as long as it never has to wait: returns false, with the run
    /// unfinished, when the next thing to happen is a webhook answer that has not come back yet. Nothing is lost: the
    /// run goes on with <see cref="RunUntil"/> (on a thread that may block) from where this stopped.
    /// </summary>
    internal bool TryRunUntil(Func<bool> condition, DateTimeOffset deadline, out RunOutcome outcome)
    {
        while (true)
        {
            // Reset before looking: a completion signalled after this point keeps the caller's wait from blocking.
            _signal.Reset();
            RunPending();
            if (condition())
            {
                outcome = RunOutcome.Satisfied;
                return true;
            }
            if (HasRunnableWork) continue;
            if (DeliverNextCompletion()) continue;
            if (InFlight > 0)
            {
                outcome = default;
                return false;
            }
            // Virtual time may move on only once the app has had its settle window to call the REST API (timers due
            // now still fire: they take no time).
            if (deadline > _now && Unsettled(out _) > TimeSpan.Zero)
            {
                if (FireDueTimers()) continue;
                outcome = default;
                return false;
            }
            if (!FireNextTimers(deadline, out outcome)) return true;
        }
    }

    private bool HasCompletion
    {
        get { lock (_completions) return _completions.Count > 0 && _completions[0] is not null; }
    }

    /// <summary>Posts the timers due at the current instant, without moving the clock; false when there are none.</summary>
    private bool FireDueTimers()
    {
        var fired = false;
        lock (_timerGate)
        {
            while (_timers.TryPeek(out var next, out var k) && k.Due <= _now)
            {
                _timers.Dequeue();
                if (next.Cancelled) continue;
                Post(next.Work);
                fired = true;
            }
        }
        return fired;
    }

    private bool FireNextTimers(DateTimeOffset deadline, out RunOutcome outcome)
    {
        outcome = RunOutcome.Idle;
        lock (_timerGate)
        {
            while (_timers.TryPeek(out var t, out _) && t.Cancelled) _timers.Dequeue();
            if (!_timers.TryPeek(out _, out var key)) return false;
            if (key.Due > deadline)
            {
                if (deadline > _now) _now = deadline;
                outcome = RunOutcome.DeadlineReached;
                return false;
            }
            if (key.Due > _now) _now = key.Due;
            while (_timers.TryPeek(out var next, out var k) && k.Due <= _now)
            {
                _timers.Dequeue();
                if (!next.Cancelled) Post(next.Work);
            }
        }
        return true;
    }

    /// <summary>Due time, then creation order: what the tuple's own comparison does, in a comparer of this assembly.</summary>
    private sealed class TimerOrder : IComparer<(DateTimeOffset Due, long Seq)>
    {
        public static readonly TimerOrder Instance = new();

        public int Compare((DateTimeOffset Due, long Seq) x, (DateTimeOffset Due, long Seq) y)
        {
            var due = x.Due.CompareTo(y.Due);
            return due != 0 ? due : x.Seq.CompareTo(y.Seq);
        }
    }

    private sealed class HoldHandle(VirtualScheduler owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) owner.Release();
        }
    }

    private sealed class Timer(Action work) : IDisposable
    {
        public Action Work { get; } = work;

        public bool Cancelled { get; private set; }

        public void Dispose() => Cancelled = true;
    }
}
