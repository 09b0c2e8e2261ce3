namespace Ncco.Testing.Time;

/// <summary>
/// The thread a simulator runs its VM on. Runs are queued from the test (any thread) and executed one at a time;
/// waiting for the app's webhook answers blocks this thread only, so the simulation needs no free thread-pool thread
/// (test hosts that block pool threads, as VSTest's does, made the first scenario of a process take a second).
/// Results complete asynchronously, so the test's code never continues on this thread.
/// </summary>
internal sealed class SimulationThread : IDisposable
{
    private readonly Queue<Action> _work = new();
    private readonly object _gate = new();
    private Thread? _thread;
    private bool _stopping;

    public Task<T> RunAsync<T>(Func<T> run)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            _work.Enqueue(() =>
            {
                try
                {
                    tcs.TrySetResult(run());
                }
                catch (Exception e)
                {
                    tcs.TrySetException(e);
                }
            });
            if (_thread is null)
            {
                _thread = new Thread(Loop) { IsBackground = true, Name = "ncco-simulation" };
                _thread.Start();
            }
            Monitor.Pulse(_gate);
        }
        return tcs.Task;
    }

    private void Loop()
    {
        while (true)
        {
            Action next;
            lock (_gate)
            {
                while (_work.Count == 0 && !_stopping) Monitor.Wait(_gate);
                if (_work.Count == 0) return;
                next = _work.Dequeue();
            }
            next();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.Pulse(_gate);
        }
    }
}
