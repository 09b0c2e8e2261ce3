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
        // Local to the posting pool thread when there is one (a webhook's or a leg's completion): the VM's next step
        // runs right after the work that produced it instead of behind the pool's whole global queue, which under a
        // burst of calls holds thousands of items (event webhooks, SIP messages) and would delay every answer in turn.
        // Any idle pool thread may still take it from there.
        ThreadPool.UnsafeQueueUserWorkItem(static scheduler => scheduler.Drain(), this, preferLocal: true);
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
