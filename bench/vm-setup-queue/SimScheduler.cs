using Ncco.Scheduling;

namespace VmSetupQueue;

/// <summary>
/// A VM scheduler on a simulated clock (microseconds): timers fall due when the simulation's clock passes them, and the
/// queued work runs only when the simulation drains it. Uses only what every build's <see cref="VmScheduler"/> has, so the
/// same program runs against an earlier Ncco.Runtime.dll dropped in its place.
/// </summary>
internal sealed class SimScheduler : VmScheduler
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly PriorityQueue<(Action Work, Cancel Handle), (long Due, long Seq)> _timers = new();
    private long _seq;

    /// <summary>The simulated time, µs since the start.</summary>
    public long Now { get; set; }

    public override DateTimeOffset UtcNow => Epoch.AddTicks(Now * 10);

    public override IDisposable Schedule(TimeSpan dueIn, Action work)
    {
        var handle = new Cancel();
        _timers.Enqueue((work, handle), (Now + Math.Max(0, (long)dueIn.TotalMicroseconds), ++_seq));
        return handle;
    }

    /// <summary>The next timer's due time, or null.</summary>
    public long? NextTimer
    {
        get
        {
            while (_timers.TryPeek(out var t, out _) && t.Handle.Cancelled) _timers.Dequeue();
            return _timers.TryPeek(out _, out var p) ? p.Due : null;
        }
    }

    /// <summary>Posts the timers due by now (as regular work).</summary>
    public void PostDueTimers()
    {
        while (_timers.TryPeek(out var t, out var p) && p.Due <= Now)
        {
            _timers.Dequeue();
            if (!t.Handle.Cancelled) Post(t.Work);
        }
    }

    /// <summary>Runs the queue until it is empty.</summary>
    public int Drain() => RunPending();

    private sealed class Cancel : IDisposable
    {
        public bool Cancelled { get; private set; }

        public void Dispose() => Cancelled = true;
    }
}
