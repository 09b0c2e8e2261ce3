namespace Ncco.Scheduling;

/// <summary>
/// The single logical thread the VM runs on. All VM work (interpreters, handlers, timers, webhook continuations)
/// is posted here and executed serially; the VM never starts threads and never reads the wall clock directly.
/// </summary>
/// <remarks>
/// While a work item runs, <see cref="SynchronizationContext.Current"/> is a context that posts back into this
/// scheduler, so <c>await</c> inside handlers resumes on the VM's logical thread. Work that leaves the VM
/// (webhooks, media) goes through <see cref="RunExternal{T}"/>, which counts it as "in flight" so a virtual
/// clock knows not to advance time while the outside world is still answering.
/// <para>
/// Two lanes: call setup (<see cref="PostSetup"/>: a new inbound call, its answer webhook's result, what its caller does
/// before it is answered) runs ahead of regular work (in-call events, media reports, event webhook results, timers), so
/// a caller waiting for its 200 does not queue behind a burst of other calls' in-call work. Each lane is first in, first
/// out; at most <see cref="SetupPrecedence"/> setup items run in a row while regular work waits, then one regular item,
/// so regular work is never starved. Every item of one call posted while it is in setup goes to the setup lane, and a
/// call never returns to setup, so one call's work still runs in the order it was posted.
/// </para>
/// </remarks>
public abstract class VmScheduler
{
    /// <summary>Setup items run in a row while regular work waits before one regular item goes.</summary>
    public const int SetupPrecedence = 2;

    private readonly Queue<Action> _queue = new();
    private readonly Queue<Action> _setup = new();
    private int _setupInARow;
    private readonly object _gate = new();
    private readonly VmSynchronizationContext _context;
    private int _running;
    private int _inFlight;
    private long _externalSequence;

    /// <summary>Creates the scheduler.</summary>
    protected VmScheduler() => _context = new VmSynchronizationContext(this);

    /// <summary>The current time (virtual or real).</summary>
    public abstract DateTimeOffset UtcNow { get; }

    /// <summary>Runs <paramref name="work"/> after <paramref name="dueIn"/>; dispose the result to cancel.</summary>
    public abstract IDisposable Schedule(TimeSpan dueIn, Action work);

    /// <summary>Number of external operations (webhooks…) currently in flight.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>True when work items are queued and runnable now.</summary>
    public bool HasRunnableWork
    {
        get { lock (_gate) return _queue.Count > 0 || _setup.Count > 0; }
    }

    /// <summary>True when the caller is executing on the VM's logical thread.</summary>
    public bool IsOnVmThread => SynchronizationContext.Current == _context && Volatile.Read(ref _running) == 1;

    /// <summary>Queues work for the VM's logical thread. Safe from any thread.</summary>
    public void Post(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_gate) _queue.Enqueue(work);
        OnWorkPosted();
    }

    /// <summary>
    /// Queues call-setup work for the VM's logical thread, ahead of regular work (see the remarks on the lanes). Safe
    /// from any thread.
    /// </summary>
    public void PostSetup(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_gate) _setup.Enqueue(work);
        OnWorkPosted();
    }

    /// <summary>Hook for implementations that need to wake a runner when work is posted.</summary>
    protected virtual void OnWorkPosted()
    {
    }

    /// <summary>
    /// Runs queued work until the queue is empty. Only one thread may run at a time: a second concurrent runner
    /// is a programming error and fails fast with <see cref="VmConcurrencyException"/>.
    /// </summary>
    /// <returns>The number of work items executed.</returns>
    protected int RunPending()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
            throw new VmConcurrencyException("The VM scheduler is already running on another thread; VM work must be processed serially.");
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_context);
        var count = 0;
        try
        {
            while (true)
            {
                Action? work;
                lock (_gate)
                {
                    if (!TryTake(out work)) break;
                }
                work();
                count++;
            }
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
            Volatile.Write(ref _running, 0);
        }
        return count;
    }

    // Under _gate: the next item by lane precedence.
    private bool TryTake([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Action? work)
    {
        if (_setup.Count > 0 && (_queue.Count == 0 || _setupInARow < SetupPrecedence))
        {
            work = _setup.Dequeue();
            _setupInARow = _queue.Count == 0 ? 0 : _setupInARow + 1;
            return true;
        }
        _setupInARow = 0;
        return _queue.TryDequeue(out work);
    }

    /// <summary>A task that completes on the VM thread after <paramref name="delay"/> (or is cancelled).</summary>
    public Task Delay(TimeSpan delay, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled(cancellationToken);
        var tcs = new TaskCompletionSource();
        IDisposable? timer = null;
        CancellationTokenRegistration reg = default;
        timer = Schedule(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, () =>
        {
            reg.Dispose();
            tcs.TrySetResult();
        });
        if (cancellationToken.CanBeCanceled)
        {
            reg = cancellationToken.Register(() =>
            {
                timer.Dispose();
                tcs.TrySetCanceled(cancellationToken);
            });
        }
        return tcs.Task;
    }

    /// <summary>
    /// Starts external work (outside the VM's thread, with no synchronization context) and returns a task that
    /// completes on the VM thread. While the work is running it counts as in flight.
    /// </summary>
    public Task<T> RunExternal<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default) =>
        RunExternalIn(work, setup: false, cancellationToken);

    /// <summary>
    /// As <see cref="RunExternal{T}"/> for work a call's setup waits on (its answer webhook): the result comes back
    /// through the setup lane (<see cref="PostSetup"/>, <see cref="CompleteSetupExternal"/>).
    /// </summary>
    public Task<T> RunSetupExternal<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default) =>
        RunExternalIn(work, setup: true, cancellationToken);

    private Task<T> RunExternalIn<T>(Func<CancellationToken, Task<T>> work, bool setup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        var tcs = new TaskCompletionSource<T>();
        Interlocked.Increment(ref _inFlight);
        var sequence = Interlocked.Increment(ref _externalSequence);
        Task<T> task;
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            task = work(cancellationToken);
        }
        catch (Exception e)
        {
            task = Task.FromException<T>(e);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        void Complete(Task<T> t)
        {
            void Deliver()
            {
                Interlocked.Decrement(ref _inFlight);
                if (t.IsCanceled) tcs.TrySetCanceled();
                else if (t.IsFaulted) tcs.TrySetException(t.Exception!.InnerExceptions);
                else tcs.TrySetResult(t.Result);
            }
            if (setup) CompleteSetupExternal(sequence, Deliver);
            else CompleteExternal(sequence, Deliver);
        }

        if (task.IsCompleted) Complete(task);
        else task.ContinueWith(Complete, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return tcs.Task;
    }

    /// <summary>
    /// Called (on any thread) when external work number <paramref name="sequence"/> (numbered in start order) has
    /// finished; <paramref name="deliver"/> must run on the VM thread. The default posts it at once; a virtual
    /// scheduler may hold completions back and deliver them in start order when the VM is idle, for determinism.
    /// </summary>
    protected virtual void CompleteExternal(long sequence, Action deliver) => Post(deliver);

    /// <summary>
    /// As <see cref="CompleteExternal"/> for work started with <see cref="RunSetupExternal{T}"/>; the default posts it
    /// to the setup lane at once.
    /// </summary>
    protected virtual void CompleteSetupExternal(long sequence, Action deliver) => PostSetup(deliver);

    private sealed class VmSynchronizationContext(VmScheduler owner) : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state) => owner.Post(() => d(state));

        public override void Send(SendOrPostCallback d, object? state) =>
            throw new NotSupportedException("Synchronous Send onto the VM thread is not supported.");

        public override SynchronizationContext CreateCopy() => this;
    }
}
