namespace Ncco.Host.Cluster;

/// <summary>
/// What a node needs to send an inbound call, before answering it, to the node that hosts the call's named conversation
/// (a SIP <c>302</c> through the SIP front): which live node hosts a conversation and at which SIP address, and a
/// short-lived hand-off record the receiving node takes exactly once to continue the same call. Only the shared
/// PostgreSQL store has one (<c>Ncco.Host.Postgres</c>); a single node answers every call itself.
/// </summary>
public interface IInboundHandoffDirectory
{
    /// <summary>False when calls are never redirected (another store than PostgreSQL, or <c>Ncco:Cluster:RedirectBeforeAnswer=false</c>).</summary>
    bool Enabled { get; }

    /// <summary>This node's id.</summary>
    string ThisNode { get; }

    /// <summary>
    /// How long a hand-off waits for its redirected INVITE (<c>Ncco:Cluster:HandoffLifetime</c>, default 30 s; the front
    /// follows a 302 at once). Past it the node that redirected the call ends it (<see cref="UntakenHandoffCloser"/>).
    /// </summary>
    TimeSpan HandoffLifetime { get; }

    /// <summary>
    /// The live node other than this one that hosts conversation <paramref name="name"/> of application
    /// <paramref name="applicationId"/> and published a SIP address, or null (nobody holds the name, its holder is
    /// dead or is this node, or the holder has no SIP address). Claims nothing.
    /// </summary>
    Task<ConversationSipHost?> HostElsewhereAsync(string applicationId, string name, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="handoff"/> until <paramref name="lifetime"/> from now (the database's clock).</summary>
    Task PutAsync(InboundHandoffRecord handoff, TimeSpan lifetime, CancellationToken cancellationToken);

    /// <summary>Takes (removes) the hand-off stored under <paramref name="token"/>, or null when unknown, expired or already taken.</summary>
    Task<InboundHandoffRecord?> TakeAsync(string token, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the hand-off stored under <paramref name="token"/> whether or not it expired, for the node that stored it
    /// to end a call nobody took; null when it was taken (or is unknown).
    /// </summary>
    Task<InboundHandoffRecord?> ReclaimAsync(string token, CancellationToken cancellationToken);
}

/// <summary>The live node hosting a named conversation, as the SIP front reaches it.</summary>
/// <param name="NodeId">Its node id.</param>
/// <param name="SipUri">Its SIP address (<c>Ncco:Cluster:SipUri</c>), a <c>sip:host:port</c> URI with no user part.</param>
/// <param name="ConversationId">The conversation's uuid.</param>
public sealed record ConversationSipHost(string NodeId, string SipUri, string ConversationId);

/// <summary>A call on its way from one node to another before answer.</summary>
/// <param name="Token">The random token the redirect's Contact carries (32 hex digits).</param>
/// <param name="ApplicationId">The call's application.</param>
/// <param name="LegId">The call's uuid, kept by the receiving node.</param>
/// <param name="ConversationId">The conversation uuid the call reported so far.</param>
/// <param name="FromNode">The node that redirected it.</param>
/// <param name="ToNode">The node it was sent to.</param>
/// <param name="Document">The call's details and answer NCCO (<see cref="InboundHandoffDocument"/> as JSON).</param>
public sealed record InboundHandoffRecord(string Token, string ApplicationId, string LegId, string ConversationId, string FromNode, string ToNode, string Document);
