using Ncco.Scheduling;

namespace Ncco.Vm.Tests;

/// <summary>
/// A scheduler the test drives by hand: a clock that moves only when told, timers that fire only when the clock passes
/// them, and queued work that runs only on <see cref="RunQueued"/>, so which item runs before which is the scheduler's
/// choice alone, never a race.
/// </summary>
internal sealed class ManualScheduler : VmScheduler
{
    private readonly List<(DateTimeOffset Due, Action Work, Cancellable Handle)> _timers = [];
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset UtcNow => _now;

    public override IDisposable Schedule(TimeSpan dueIn, Action work)
    {
        var handle = new Cancellable();
        _timers.Add((_now + dueIn, work, handle));
        return handle;
    }

    /// <summary>Runs everything queued (and whatever that queues) until the queue is empty.</summary>
    public int RunQueued() => RunPending();

    /// <summary>Moves the clock by <paramref name="by"/>, posting the timers that fell due (as regular work).</summary>
    public void Advance(TimeSpan by)
    {
        _now += by;
        foreach (var timer in _timers.Where(t => t.Due <= _now).ToList())
        {
            _timers.Remove(timer);
            if (!timer.Handle.Cancelled) Post(timer.Work);
        }
    }

    private sealed class Cancellable : IDisposable
    {
        public bool Cancelled { get; private set; }

        public void Dispose() => Cancelled = true;
    }
}
