using Ncco.Sip.Messages;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Transactions;

/// <summary>What client and server transactions share: identity, state, target and timers that run on the injected clock.</summary>
public abstract class SipTransaction
{
    private readonly List<ITimer> _timers = [];

    private protected SipTransaction(TransactionLayer layer, string key, SipRequest request, SipEndPoint remote)
    {
        Layer = layer;
        Key = key;
        Request = request;
        Remote = remote;
    }

    /// <summary>The matching key.</summary>
    public string Key { get; }

    /// <summary>The request that created the transaction.</summary>
    public SipRequest Request { get; }

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
        Layer.Remove(this);
    }

    /// <summary>Number of live timers (for tests: a terminated transaction holds none).</summary>
    internal int TimerCount => _timers.Count;
}
