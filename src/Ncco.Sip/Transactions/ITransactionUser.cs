using Ncco.Sip.Messages;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Transactions;

/// <summary>The transaction user for incoming traffic (the UA core). Called under the stack lock; must not block.</summary>
public interface ITransactionUser
{
    /// <summary>A new request (not ACK) with its server transaction; the TU must answer through the transaction.</summary>
    void OnRequest(ServerTransaction transaction);

    /// <summary>An ACK that no INVITE server transaction absorbed: the ACK for a 2xx, which belongs to the dialog.</summary>
    void OnAck(SipRequest ack, SipEndPoint source);

    /// <summary>A response matching no client transaction: typically a 2xx retransmission the UAC core must ACK again.</summary>
    void OnStrayResponse(SipResponse response, SipEndPoint source);

    /// <summary>An INVITE server transaction gave up waiting for the ACK of its failure response (timer H).</summary>
    void OnAckTimeout(ServerTransaction transaction);
}
