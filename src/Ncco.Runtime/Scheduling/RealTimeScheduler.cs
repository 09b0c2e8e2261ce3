namespace Ncco.Scheduling;

/// <summary>
/// Production scheduler: time from a <see cref="TimeProvider"/>, work drained serially on thread-pool work items
/// (the VM itself never creates threads).
/// </summary>
public sealed class RealTimeScheduler : VmScheduler
{
    private readonly TimeProvider _time;
    private int _draining;

    /// <summary>Creates a scheduler over <paramref name="time"/> (default: <see cref="TimeProvider.System"/>).</summary>
    public RealTimeScheduler(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public override DateTimeOffset UtcNow => _time.GetUtcNow();

    /// <inheritdoc />
    public override IDisposable Schedule(TimeSpan dueIn, Action work) =>
        _time.CreateTimer(_ => Post(work), null, dueIn, Timeout.InfiniteTimeSpan);

    /// <inheritdoc />
    protected override void OnWorkPosted()
    {
        if (Interlocked.CompareExchange(ref _draining, 1, 0) != 0) return;
        ThreadPool.UnsafeQueueUserWorkItem(_ => Drain(), null);
    }

    private void Drain()
    {
        while (true)
        {
            RunPending();
            Volatile.Write(ref _draining, 0);
            if (!HasRunnableWork || Interlocked.CompareExchange(ref _draining, 1, 0) != 0) return;
        }
    }
}
