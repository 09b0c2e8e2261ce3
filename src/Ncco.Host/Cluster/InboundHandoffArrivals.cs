using Ncco.Sip.Dialogs;

namespace Ncco.Host.Cluster;

/// <summary>
/// The hand-off INVITEs this node is continuing, by hand-off token, so that one hand-off that reaches the node twice is
/// continued once. The front sends a hand-off again when the node it was sent to stayed silent past the front's
/// <c>fr_timer</c> (a node stalled by its host, a long pause): with the next node of its list, which can be this node
/// again. Both INVITEs then wait in this node's socket, and the earlier one is the branch the front gave up on (it
/// cancels it as soon as that branch's 100 Trying arrives, and drops any answer on it). So the newest INVITE takes
/// over: an earlier one that has not started its call yet is refused with 487 and the newest continues the call with
/// the record the earlier one took from the store. "Earlier" is the order the INVITEs reached the node
/// (<see cref="IncomingCall.Arrival"/>), not the order their tasks ran in. Were the earlier one already continuing the call (its leg exists
/// under the call's uuid), the newest is a <see cref="ArrivalOutcome.Duplicate"/>: one call, one leg. The gateway then
/// moves the connected leg onto the newest INVITE (the front relays no answer on the branch it gave up on, so a 482 on
/// the newest would lose the caller) and records it here (<see cref="TookOver"/>); 482 only when the leg cannot move.
/// </summary>
internal sealed class InboundHandoffArrivals(IInboundHandoffDirectory directory, ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Arrival> _byToken = new(StringComparer.Ordinal);

    /// <summary>Hand-offs being continued now (bounded by the node's live calls: an entry goes when its INVITE's call ends).</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _byToken.Count;
        }
    }

    /// <summary>
    /// Records <paramref name="call"/> as the newest INVITE of hand-off <paramref name="token"/> and returns the hand-off's
    /// record: taken from the store by the first INVITE of the token, shared by later ones. A null record when the store
    /// has no such hand-off; <see cref="ArrivalOutcome.Duplicate"/> when another INVITE of the token already continues
    /// the call, with that INVITE when <paramref name="call"/> reached the node after it (the branch the front now uses),
    /// null when <paramref name="call"/> is the older one (the branch it gave up on).
    /// </summary>
    public async Task<(ArrivalOutcome Outcome, InboundHandoffRecord? Record, IncomingCall? Continuing)> ArriveAsync(string token, IncomingCall call,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        Arrival? earlier;
        Task<InboundHandoffRecord?>? record = null;
        lock (_gate)
        {
            _byToken.TryGetValue(token, out earlier);
            if (earlier is { Started: true }) return (ArrivalOutcome.Duplicate, null, earlier.Call.Arrival < call.Arrival ? earlier.Call : null);
            // An INVITE that reached the node before the one already here (their tasks ran in the other order) is the
            // branch the front gave up on: it stays out.
            if (earlier is null || earlier.Call.Arrival < call.Arrival)
            {
                record = earlier switch
                {
                    null => directory.TakeAsync(token, cancellationToken),
                    // The earlier INVITE was cancelled before it started and is putting the record back: take it again after.
                    { Returned: { } putBack } => TakeAfterAsync(putBack, token, cancellationToken),
                    _ => earlier.Record,
                };
                _byToken[token] = new Arrival(call, record);
            }
        }
        if (record is null)
        {
            // Outside the lock: the SIP stack's lock is taken before ours when a call ends.
            call.Reject(487, "Superseded By A Later Branch");
            return (ArrivalOutcome.Continue, null, null);
        }
        _ = call.Ended.ContinueWith(_ => Ended(token, call), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        // The front gave up on the earlier branch; here it stops before starting anything (no effect once it ended).
        earlier?.Call.Reject(487, "Superseded By A Later Branch");
        return (ArrivalOutcome.Continue, await record.ConfigureAwait(false), null);
    }

    /// <summary>
    /// True when <paramref name="call"/> is still the newest INVITE of <paramref name="token"/> and was not cancelled: it
    /// starts the call now (or refuses it for good), and a later INVITE of the token is a duplicate. False when it must
    /// stop without a word: a later INVITE took over, or the INVITE was cancelled (the record then goes back to the store).
    /// </summary>
    public bool Start(string token, IncomingCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        lock (_gate)
        {
            if (!_byToken.TryGetValue(token, out var current) || !ReferenceEquals(current.Call, call) || call.IsEnded) return false;
            current.Started = true;
            return true;
        }
    }

    /// <summary>
    /// The call of hand-off <paramref name="token"/> moved from <paramref name="from"/> to the later INVITE
    /// <paramref name="to"/>: a still later copy is judged against <paramref name="to"/>, and the entry goes when
    /// <paramref name="to"/>'s call ends (not <paramref name="from"/>'s, which ends now).
    /// </summary>
    public void TookOver(string token, IncomingCall from, IncomingCall to)
    {
        ArgumentNullException.ThrowIfNull(to);
        lock (_gate)
        {
            if (!_byToken.TryGetValue(token, out var current) || !ReferenceEquals(current.Call, from)) return;
            _byToken[token] = new Arrival(to, current.Record) { Started = true };
        }
        _ = to.Ended.ContinueWith(_ => Ended(token, to), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Ended(string token, IncomingCall call)
    {
        Arrival? returning = null;
        lock (_gate)
        {
            if (!_byToken.TryGetValue(token, out var current) || !ReferenceEquals(current.Call, call)) return;
            if (current.Started)
            {
                _byToken.Remove(token);
                return;
            }
            // Cancelled (by the front, or by the caller) before it started the call: the hand-off goes back to the store, for
            // a later INVITE of the token, or else for the node that redirected the call to end it once it expires.
            current.Returned = PutBackAsync(current.Record, token);
            returning = current;
        }
        _ = returning.Returned!.ContinueWith(_ =>
        {
            lock (_gate)
            {
                if (_byToken.TryGetValue(token, out var current) && ReferenceEquals(current, returning)) _byToken.Remove(token);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task PutBackAsync(Task<InboundHandoffRecord?> record, string token)
    {
        try
        {
            if (await record.ConfigureAwait(false) is { } taken)
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await directory.PutAsync(taken, directory.HandoffLifetime, limit.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The node that redirected the call ends it once the hand-off expires; nothing more can be done here.
            logger.HandoffNotReturned(token[..8], e.Message);
        }
    }

    private async Task<InboundHandoffRecord?> TakeAfterAsync(Task putBack, string token, CancellationToken cancellationToken)
    {
        await putBack.ConfigureAwait(false);
        return await directory.TakeAsync(token, cancellationToken).ConfigureAwait(false);
    }

    private sealed class Arrival(IncomingCall call, Task<InboundHandoffRecord?> record)
    {
        public IncomingCall Call { get; } = call;

        public Task<InboundHandoffRecord?> Record { get; } = record;

        public bool Started { get; set; }

        public Task? Returned { get; set; }
    }
}

/// <summary>What <see cref="InboundHandoffArrivals.ArriveAsync"/> decided for one hand-off INVITE.</summary>
internal enum ArrivalOutcome
{
    /// <summary>Continue the call with the record (or refuse it as unknown when there is none).</summary>
    Continue,

    /// <summary>An earlier INVITE of the same hand-off already continues the call here.</summary>
    Duplicate,
}
