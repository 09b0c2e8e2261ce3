using Ncco.Media.Pcm;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// Spreads each media tick over <see cref="Count"/> threads: the ticking thread is worker 0 and <c>Count − 1</c>
/// dedicated background threads are the others. <see cref="Run"/> releases every worker with one barrier phase, each
/// runs <c>work(index)</c> on its own share, and a second phase waits until all are done, so when <see cref="Run"/>
/// returns the tick is complete and its state belongs to the ticking thread again. The barrier spins briefly and then
/// blocks: idle workers cost nothing between ticks, and nothing is allocated per tick.
/// </summary>
/// <remarks>
/// What a worker touches must be disjoint from what the others touch (the media thread hands each worker whole
/// conversations: see <see cref="MediaThread"/>), which keeps the "each piece of media state is touched by one thread
/// at a time" rule without locks. An exception escaping <c>work</c> on a helper thread is logged, not rethrown:
/// the next tick runs as usual.
/// </remarks>
internal sealed class MediaTickWorkers : IDisposable
{
    private readonly Barrier _barrier;
    private readonly Thread[] _helpers;
    private readonly Action<int> _work;
    private readonly ILogger _logger;
    private volatile bool _stopping;

    private readonly MediaMetrics? _metrics;

    private readonly RealtimeBudget[]? _budgets;

    // budgets: one per worker (index 0 is the caller's, which the caller runs); each helper starts its own when released
    // and takes real-time priority back before it waits again.
    public MediaTickWorkers(int count, Action<int> work, ILogger logger, MediaThreadPriority priority = MediaThreadPriority.Normal, MediaMetrics? metrics = null,
        RealtimeBudget[]? budgets = null)
    {
        _metrics = metrics;
        _budgets = budgets;
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        Count = count;
        _work = work;
        _logger = logger;
        _barrier = new Barrier(count);
        _helpers = new Thread[count - 1];
        for (var i = 0; i < _helpers.Length; i++)
        {
            var index = i + 1;
            _helpers[i] = new Thread(() =>
            {
                MediaThread.ApplyPriority(priority, logger);
                Loop(index);
            }) { IsBackground = true, Name = $"ncco-media-{index}" };
            _helpers[i].Start();
        }
    }

    /// <summary>Threads a tick runs on (the caller included).</summary>
    public int Count { get; }

    /// <summary>Runs <c>work(0)</c> on the calling thread and <c>work(1…Count−1)</c> on the helpers; returns when all are done.</summary>
    public void Run()
    {
        _barrier.SignalAndWait(); // release the helpers
        try
        {
            _work(0);
        }
        finally
        {
            _barrier.SignalAndWait(); // wait for them
        }
    }

    private void Loop(int index)
    {
        while (true)
        {
            _barrier.SignalAndWait();
            if (_stopping) return;
            var before = GC.GetAllocatedBytesForCurrentThread();
            var budget = _budgets?[index];
            budget?.Start();
            try
            {
                _work(index);
            }
            catch (Exception e)
            {
                _logger.WorkerFailed(e, index);
            }
            if (budget is not null)
            {
                if (budget.Left) _metrics?.BudgetExhausted();
                budget.Restore();
            }
            _metrics?.Allocated(0, GC.GetAllocatedBytesForCurrentThread() - before);
            _barrier.SignalAndWait();
        }
    }

    /// <summary>Stops the helpers (call from the ticking thread, never during <see cref="Run"/>).</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _barrier.SignalAndWait(); // the helpers wake, see _stopping and leave
        foreach (var helper in _helpers) helper.Join();
        _barrier.Dispose();
    }
}
