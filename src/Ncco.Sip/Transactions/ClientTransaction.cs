using Ncco.Sip.Messages;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Transactions;

/// <summary>A client transaction (RFC 3261 §17.1): sends a request and follows its responses.</summary>
public abstract class ClientTransaction : SipTransaction
{
    private protected readonly byte[] Wire;

    private protected ClientTransaction(TransactionLayer layer, string key, SipRequest request, SipEndPoint remote, IClientTransactionUser user)
        : base(layer, key, request, remote)
    {
        User = user;
        Wire = request.ToBytes();
    }

    /// <summary>The owner told about responses and failures.</summary>
    public IClientTransactionUser User { get; }

    /// <summary>The last final response, if any.</summary>
    public SipResponse? FinalResponse { get; private protected set; }

    /// <summary>How many times the request has been sent (1 + retransmissions).</summary>
    public int Transmissions { get; private set; }

    /// <summary>Sends the request for the first time and arms the timers.</summary>
    internal abstract void Begin();

    /// <summary>A response matched this transaction.</summary>
    internal abstract void OnResponse(SipResponse response);

    /// <summary>The transport failed to deliver: RFC 3261 §8.1.3.1 treats it as a 503.</summary>
    internal void OnTransportError()
    {
        if (State is TransactionState.Calling or TransactionState.Trying or TransactionState.Proceeding)
        {
            Terminate();
            User.OnFailure(this, 503, "Transport Error");
        }
    }

    private protected void Transmit()
    {
        Transmissions++;
        Layer.Transport.Send(Wire, Remote);
    }

    private protected void Fail(int status, string reason)
    {
        Terminate();
        User.OnFailure(this, status, reason);
    }
}
