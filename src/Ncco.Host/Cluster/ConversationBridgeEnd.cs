namespace Ncco.Host.Cluster;

/// <summary>
/// Why one end of a conversation bridge stopped running (<see cref="ConversationBridgeSocket"/>): counted in
/// <c>ncco.cluster.bridge_ends</c> by <c>end</c> (<c>host</c>, <c>leg</c>) and <c>cause</c>, and logged at Debug, so that a
/// bridge left behind on one node can be told apart from one that ended for a reason nobody expected.
/// </summary>
internal enum ConversationBridgeEnd
{
    /// <summary>The other end sent a close (its leg left, or the host ended the conversation).</summary>
    PeerClosed,

    /// <summary>This end was hung up (or abandoned) before its socket stopped: the closing followed.</summary>
    EndedHere,

    /// <summary>The connection failed (a socket error the loops list) while neither end had closed it.</summary>
    Dropped,

    /// <summary>The socket failed with an exception the loops do not list.</summary>
    Failed,

    /// <summary>Ended before its socket opened: the connection could not be made, or a hang-up came first.</summary>
    NotOpened,
}
