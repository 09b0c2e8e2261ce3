namespace Ncco.Sip.Transactions;

/// <summary>Transaction states of RFC 3261 §17 with the Accepted state of RFC 6026.</summary>
public enum TransactionState
{
    /// <summary>Client INVITE: request sent, nothing heard.</summary>
    Calling,
    /// <summary>Non-INVITE: request sent or received, no response yet.</summary>
    Trying,
    /// <summary>A provisional response was received or sent.</summary>
    Proceeding,
    /// <summary>INVITE: a 2xx was received or sent; 2xx retransmissions and ACKs are absorbed or passed up (RFC 6026).</summary>
    Accepted,
    /// <summary>A final response was received or sent; retransmissions are absorbed.</summary>
    Completed,
    /// <summary>Server INVITE: the ACK for a failure response arrived.</summary>
    Confirmed,
    /// <summary>Gone from the table.</summary>
    Terminated,
}
