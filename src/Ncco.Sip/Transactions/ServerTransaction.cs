using Ncco.Sip.Messages;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Transactions;

/// <summary>A server transaction (RFC 3261 §17.2): absorbs request retransmissions and carries the TU's responses.</summary>
public abstract class ServerTransaction : SipTransaction
{
    private protected byte[]? LastWire;

    private protected ServerTransaction(TransactionLayer layer, string key, SipRequest request, SipEndPoint remote)
        : base(layer, key, request, remote)
    {
    }

    /// <summary>The last response sent, if any.</summary>
    public SipResponse? LastResponse { get; private set; }

    /// <summary>Whether this transaction still counts against its source's bound (until its final response).</summary>
    internal bool HoldsSourceSlot { get; set; } = true;

    /// <summary>True once a final response has been sent.</summary>
    public bool HasFinalResponse => LastResponse is { IsProvisional: false };

    /// <summary>Sends a response. Takes the stack lock, so the TU may call it from anywhere.</summary>
    public void Respond(SipResponse response)
    {
        lock (Layer.Gate)
        {
            if (State == TransactionState.Terminated || HasFinalResponse)
            {
                return;
            }
            LastResponse = response;
            LastWire = response.ToBytes();
            Layer.Transport.Send(LastWire, Remote);
            OnResponseSent(response);
            if (!response.IsProvisional) Layer.ReleaseSourceSlot(this);
        }
    }

    /// <summary>State changes after the TU's response went out.</summary>
    private protected abstract void OnResponseSent(SipResponse response);

    /// <summary>The same request arrived again (or, for INVITE, its ACK).</summary>
    internal abstract void OnRetransmission(SipRequest request);

    /// <summary>Re-sends the last response, if there is one.</summary>
    private protected void Resend()
    {
        if (LastWire is not null)
        {
            Layer.Transport.Send(LastWire, Remote);
        }
    }
}
