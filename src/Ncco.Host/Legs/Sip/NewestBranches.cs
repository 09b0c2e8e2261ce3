namespace Ncco.Host.Legs.Sip;

/// <summary>
/// The newest INVITE this node read for each caller (Call-ID and From tag), in the order the SIP stack received them
/// (<c>IncomingCall.Arrival</c>). A proxy sends one caller's INVITE again on a new branch (same Call-ID and From tag)
/// only after giving up on the earlier branch: when both reach this node, which happens when the node stalled past the
/// proxy's <c>fr_timer</c> (the call failed over and was redirected back here, or the proxy sent a hand-off here
/// twice), the earlier one is the abandoned branch. The SIP gateway asks this after holding an INVITE it read just
/// after a stall (<see cref="ProcessStallWatch"/>): an INVITE that is no longer its caller's newest stops before the
/// application hears of it. Bounded by the node's pending and live calls: an entry goes when its newest INVITE's call
/// ends.
/// </summary>
internal sealed class NewestBranches
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Newest> _newest = new(StringComparer.Ordinal);
    // A task that never completes, for a caller not (or no longer) recorded: Task.WhenAny takes its waiter off again.
    private readonly Task _never = new TaskCompletionSource().Task;

    /// <summary>Callers with an INVITE pending or a call running here.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _newest.Count;
        }
    }

    /// <summary>Records an INVITE of <paramref name="caller"/> that reached the node <paramref name="arrival"/>-th.</summary>
    public void Arrived(string caller, long arrival)
    {
        TaskCompletionSource? overtaken = null;
        lock (_gate)
        {
            if (!_newest.TryGetValue(caller, out var newest))
            {
                _newest[caller] = new Newest(arrival, null);
            }
            else if (newest.Arrival < arrival)
            {
                overtaken = newest.Overtaken;
                _newest[caller] = new Newest(arrival, null);
            }
        }
        // Outside the lock; the waiters run on the thread pool (RunContinuationsAsynchronously), not on the accept loop.
        overtaken?.TrySetResult();
    }

    /// <summary>False when a later INVITE of <paramref name="caller"/> reached the node after the <paramref name="arrival"/>-th.</summary>
    public bool IsNewest(string caller, long arrival)
    {
        lock (_gate) return !_newest.TryGetValue(caller, out var newest) || newest.Arrival <= arrival;
    }

    /// <summary>
    /// A task that completes (never faults) once a later INVITE of <paramref name="caller"/> than the
    /// <paramref name="arrival"/>-th reaches the node; already complete when one has. A held INVITE waits on it instead
    /// of looking again and again. Made only when asked for (only held INVITEs ask), so the normal path allocates nothing
    /// for it.
    /// </summary>
    public Task Overtaken(string caller, long arrival)
    {
        TaskCompletionSource? overtaken = null;
        Task result;
        lock (_gate)
        {
            if (!_newest.TryGetValue(caller, out var newest))
            {
                // Not recorded (or its call already ended): nothing can overtake it that this node would act on; the
                // waiter's own call ending or its hold running out ends its wait.
                return _never;
            }
            if (newest.Arrival > arrival) return Task.CompletedTask;
            if (newest.Arrival < arrival)
            {
                // Asked before this arrival was recorded: it is the newest now, and overtakes the one recorded.
                overtaken = newest.Overtaken;
                newest = new Newest(arrival, null);
            }
            if (newest.Overtaken is null)
            {
                newest = newest with { Overtaken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
            }
            _newest[caller] = newest;
            result = newest.Overtaken!.Task;
        }
        overtaken?.TrySetResult();
        return result;
    }

    /// <summary>Forgets the caller once the call of its newest INVITE (the <paramref name="arrival"/>-th) ended.</summary>
    public void Ended(string caller, long arrival)
    {
        lock (_gate)
        {
            if (_newest.TryGetValue(caller, out var newest) && newest.Arrival == arrival) _newest.Remove(caller);
        }
    }

    /// <param name="Arrival">The newest INVITE's arrival number.</param>
    /// <param name="Overtaken">Completed when a later INVITE arrives; made only for a held INVITE.</param>
    private readonly record struct Newest(long Arrival, TaskCompletionSource? Overtaken);
}
