using Ncco.Sip.Messages;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Transactions;

/// <summary>A server transaction (RFC 3261 §17.2): absorbs request retransmissions and carries the TU's responses.</summary>
public abstract class ServerTransaction : SipTransaction
{
    private protected byte[]? LastWire;
    private int _lastStatus;

    private protected ServerTransaction(TransactionLayer layer, string key, SipRequest request, SipEndPoint remote)
        : base(layer, key, request, remote)
    {
    }

    /// <summary>
    /// The last provisional response sent, if any. Null once the final response has gone: from then on the transaction
    /// keeps at most that response's wire form (to resend it while retransmissions of the request may still arrive), not
    /// the parsed message; <see cref="LastStatusCode"/> tells which it was.
    /// </summary>
    public SipResponse? LastResponse { get; private set; }

    /// <summary>The status code of the last response sent, 0 before any.</summary>
    public int LastStatusCode => _lastStatus;

    /// <summary>Whether this transaction still counts against its source's bound (until its final response).</summary>
    internal bool HoldsSourceSlot { get; set; } = true;

    /// <summary>True once a final response has been sent.</summary>
    public bool HasFinalResponse => _lastStatus >= 200;

    /// <summary>Sends a response. Takes the stack lock, so the TU may call it from anywhere.</summary>
    public void Respond(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        // Serialised before the stack's one lock is taken (a response is immutable): the lock is held only for the state
        // change and the send.
        var wire = response.ToBytes();
        lock (Layer.Gate)
        {
            if (State == TransactionState.Terminated || HasFinalResponse)
            {
                return;
            }
            _lastStatus = response.StatusCode;
            LastResponse = response.IsProvisional ? response : null;
            LastWire = wire;
            Layer.Transport.Send(LastWire, Remote);
            OnResponseSent(response);
            if (!response.IsProvisional)
            {
                // Answered finally: what is left is absorbing retransmissions by key (and, for a failure or a non-INVITE
                // response, resending LastWire), so the request and its headers and body go now, not 32 s later.
                ReleaseRequest();
                Layer.ReleaseSourceSlot(this);
            }
        }
    }

    /// <summary>State changes after the TU's response went out.</summary>
    private protected abstract void OnResponseSent(SipResponse response);

    /// <summary>The same request arrived again (or, for INVITE, its ACK).</summary>
    internal abstract void OnRetransmission(SipRequest request);

    /// <inheritdoc />
    private protected override void OnTerminated()
    {
        ReleaseRequest();
        LastResponse = null;
        LastWire = null;
    }

    /// <summary>Re-sends the last response, if there is one.</summary>
    private protected void Resend()
    {
        if (LastWire is not null)
        {
            Layer.Transport.Send(LastWire, Remote);
        }
    }
}
