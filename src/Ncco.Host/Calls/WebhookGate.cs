namespace Ncco.Host.Calls;

/// <summary>
/// The host-wide bound on webhook requests in flight (<c>Ncco:Webhooks:MaxConcurrency</c>), with answer webhooks
/// (answer and fallback answer) ahead of event webhooks: a caller waits for its answer webhook, nobody waits for an
/// event. Events may fill at most <c>MaxConcurrency − AnswerReserve</c> slots, so a burst of events to a slow
/// application never takes the slots answers need; when the gate is full, a freed slot goes to the oldest waiting answer
/// before any event. Nothing here blocks a thread: waiters are tasks.
/// </summary>
internal sealed class WebhookGate
{
    private readonly object _lock = new();
    private readonly Queue<TaskCompletionSource> _answers = new();
    private readonly Queue<TaskCompletionSource> _events = new();
    private int _inFlight;
    private int _eventsInFlight;

    /// <summary>Creates the gate.</summary>
    /// <param name="capacity">Requests in flight at once, answers and events together (at least 1).</param>
    /// <param name="answerReserve">Slots only answers may take (0 to less than <paramref name="capacity"/>).</param>
    public WebhookGate(int capacity, int answerReserve)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(answerReserve);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(answerReserve, capacity);
        Capacity = capacity;
        EventCapacity = capacity - answerReserve;
    }

    /// <summary>Requests in flight at once.</summary>
    public int Capacity { get; }

    /// <summary>Event requests in flight at once.</summary>
    public int EventCapacity { get; }

    /// <summary>Requests holding a slot now.</summary>
    public int InFlight
    {
        get { lock (_lock) return _inFlight; }
    }

    /// <summary>Requests waiting for a slot now (answers, events).</summary>
    public (int Answers, int Events) Waiting
    {
        get { lock (_lock) return (_answers.Count, _events.Count); }
    }

    /// <summary>Completes when the request may go; every successful entry must be followed by one <see cref="Exit"/>.</summary>
    public Task EnterAsync(bool answer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource waiter;
        lock (_lock)
        {
            while (_answers.TryPeek(out var stale) && stale.Task.IsCompleted) _answers.Dequeue();
            if (_inFlight < Capacity && (answer ? true : _eventsInFlight < EventCapacity && _answers.Count == 0))
            {
                _inFlight++;
                if (!answer) _eventsInFlight++;
                return Task.CompletedTask;
            }
            // Continuations run on the pool, never inline under the gate's lock or on the releasing request's thread.
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (answer ? _answers : _events).Enqueue(waiter);
        }
        return cancellationToken.CanBeCanceled ? WaitAsync(waiter, cancellationToken) : waiter.Task;
    }

    /// <summary>Gives back the slot of a request that entered.</summary>
    public void Exit(bool answer)
    {
        lock (_lock)
        {
            if (_inFlight == 0 || (!answer && _eventsInFlight == 0)) throw new InvalidOperationException("Exit without a matching enter.");
            _inFlight--;
            if (!answer) _eventsInFlight--;
            Grant();
        }
    }

    private async Task WaitAsync(TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        // A waiter cancelled here stays queued as a completed task: Grant skips it.
        await using (cancellationToken.UnsafeRegister(static (state, token) => ((TaskCompletionSource)state!).TrySetCanceled(token), waiter))
        {
            await waiter.Task.ConfigureAwait(false);
        }
    }

    // Under _lock: hands free slots to waiting answers first, then to events within their share.
    private void Grant()
    {
        while (_inFlight < Capacity && _answers.TryDequeue(out var a))
        {
            if (a.TrySetResult()) _inFlight++;
        }
        while (_inFlight < Capacity && _eventsInFlight < EventCapacity && _answers.Count == 0 && _events.TryDequeue(out var e))
        {
            if (e.TrySetResult())
            {
                _inFlight++;
                _eventsInFlight++;
            }
        }
    }
}
