using Ncco.Sip.Messages;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Transactions;

/// <summary>What client and server transactions share: identity, state, target and timers that run on the injected clock.</summary>
public abstract class SipTransaction
{
    private readonly List<ITimer> _timers = [];
    private SipRequest? _request;

    private protected SipTransaction(TransactionLayer layer, string key, SipRequest request, SipEndPoint remote)
    {
        Layer = layer;
        Key = key;
        _request = request;
        Remote = remote;
    }

    /// <summary>The matching key.</summary>
    public string Key { get; }

    /// <summary>
    /// The request that created the transaction. A server transaction lets go of it once it has answered finally (from
    /// then on it only absorbs retransmissions, which its key identifies): read it before answering.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server transaction has answered finally and no longer keeps the request.</exception>
    public SipRequest Request => _request
        ?? throw new InvalidOperationException($"transaction {Key} has answered finally and keeps only its key; read the request before answering");

    /// <summary>True while the transaction still holds <see cref="Request"/>.</summary>
    internal bool HoldsRequest => _request is not null;

    /// <summary>The peer: where requests go (client) or where responses go (server).</summary>
    public SipEndPoint Remote { get; }

    /// <summary>Current state.</summary>
    public TransactionState State { get; private protected set; }

    /// <summary>True when retransmissions are the transaction's job (UDP).</summary>
    public bool IsUnreliable => !Remote.Transport.IsReliable();

    private protected TransactionLayer Layer { get; }

    private protected SipTimers Timers => Layer.Timers;

    /// <summary>Starts a one-shot timer whose callback runs under the stack lock, only while the transaction lives.</summary>
    private protected ITimer Start(TimeSpan due, Action callback)
    {
        ITimer? timer = null;
        timer = Layer.Time.CreateTimer(_ =>
        {
            lock (Layer.Gate)
            {
                if (State != TransactionState.Terminated && timer is not null && _timers.Remove(timer))
                {
                    callback();
                }
            }
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timers.Add(timer);
        timer.Change(due, Timeout.InfiniteTimeSpan);
        return timer;
    }

    /// <summary>
    /// Lets go of the request (and whatever it references: headers, body) for the rest of the transaction's life: a
    /// server transaction lingering only to absorb retransmissions (timers J and L, 32 s over UDP) must not keep a
    /// parsed message per call alive into the collector's older generations (issue 19).
    /// </summary>
    private protected void ReleaseRequest() => _request = null;

    /// <summary>Cancels a timer started with <see cref="Start"/>.</summary>
    private protected void Stop(ITimer? timer)
    {
        if (timer is not null && _timers.Remove(timer))
        {
            timer.Dispose();
        }
    }

    /// <summary>Moves to Terminated now (timer value zero on reliable transports) or after <paramref name="linger"/>.</summary>
    private protected void TerminateAfter(TimeSpan linger)
    {
        if (linger <= TimeSpan.Zero)
        {
            Terminate();
        }
        else
        {
            Start(linger, Terminate);
        }
    }

    /// <summary>Ends the transaction: timers stopped, removed from the table.</summary>
    internal void Terminate()
    {
        if (State == TransactionState.Terminated)
        {
            return;
        }
        State = TransactionState.Terminated;
        foreach (var timer in _timers)
        {
            timer.Dispose();
        }
        _timers.Clear();
        OnTerminated();
        Layer.Remove(this);
    }

    /// <summary>What a transaction drops when it ends (a call may keep a reference to it for its whole life).</summary>
    private protected virtual void OnTerminated()
    {
    }

    /// <summary>Number of live timers (for tests: a terminated transaction holds none).</summary>
    internal int TimerCount => _timers.Count;
}
