using Ncco.Sip.Messages;

namespace Ncco.Sip.Transactions;

/// <summary>What a client transaction reports to its owner. Called under the stack lock; must not block.</summary>
public interface IClientTransactionUser
{
    /// <summary>A response (provisional or final; for INVITE also every 2xx retransmission while Accepted).</summary>
    void OnResponse(ClientTransaction transaction, SipResponse response);

    /// <summary>Timer B or F fired, or the transport failed: the request is treated as answered 408 or 503.</summary>
    void OnFailure(ClientTransaction transaction, int statusCode, string reason);
}
