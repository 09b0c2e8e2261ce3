namespace Ncco.Host.Cluster;

/// <summary>
/// Log messages of the redirect of inbound calls before answer (the hand-off to the node hosting their conversation),
/// source-generated like <see cref="ClusterLog"/>'s, in a range of their own. Event ids 4500–4599.
/// </summary>
internal static partial class InboundHandoffLog
{
    [LoggerMessage(4500, LogLevel.Information, "Cluster: call {CallUuid} is redirected before answer to node {NodeId} ({SipUri}), which hosts conversation {Name}")]
    public static partial void CallRedirected(this ILogger logger, string callUuid, string nodeId, string sipUri, string name);

    [LoggerMessage(4501, LogLevel.Information, "Cluster: call {CallUuid} redirected by node {FromNode} continues here")]
    public static partial void HandoffTaken(this ILogger logger, string callUuid, string fromNode);

    [LoggerMessage(4502, LogLevel.Warning, "Cluster: INVITE from {Source} names hand-off {Token}, which is unknown, expired or already taken")]
    public static partial void HandoffUnknown(this ILogger logger, object source, string token);

    [LoggerMessage(4503, LogLevel.Warning, "Cluster: hand-off of call {CallUuid} cannot continue here: {Reason}")]
    public static partial void HandoffUnusable(this ILogger logger, string callUuid, string reason);

    [LoggerMessage(4504, LogLevel.Warning, "Cluster: the redirect of call {CallUuid} was not planned; it is answered here: {Reason}")]
    public static partial void RedirectNotPlanned(this ILogger logger, string callUuid, string reason);

    [LoggerMessage(4505, LogLevel.Warning, "Cluster: no node took the hand-off of call {CallUuid} in time; the call ({Status} until now) ends here as failed")]
    public static partial void UntakenHandoffClosed(this ILogger logger, string callUuid, string status);

    [LoggerMessage(4506, LogLevel.Error, "Cluster: the call {CallUuid}, whose hand-off no node took, could not be ended")]
    public static partial void UntakenHandoffNotClosed(this ILogger logger, Exception exception, string callUuid);

    [LoggerMessage(4507, LogLevel.Information, "Cluster: hand-off INVITE {CallId} was cancelled before its call started (the front gave up on this branch, or the caller hung up): a later INVITE of it continues the call, or the hand-off goes back to the store")]
    public static partial void HandoffCancelled(this ILogger logger, string callId);

    [LoggerMessage(4508, LogLevel.Warning, "Cluster: hand-off {Token}… could not be put back after its INVITE was cancelled; the node that redirected the call ends it when it expires: {Reason}")]
    public static partial void HandoffNotReturned(this ILogger logger, string token, string reason);

    [LoggerMessage(4509, LogLevel.Information, "Cluster: a second INVITE {CallId} for hand-off {Token}…, whose call already continues here, is refused (482)")]
    public static partial void HandoffDuplicate(this ILogger logger, string callId, string token);

    [LoggerMessage(4510, LogLevel.Information, "Cluster: INVITE {CallId} was cancelled before its call started (the front gave up on this branch, or the caller hung up): no call")]
    public static partial void InviteCancelledBeforeStart(this ILogger logger, string callId);

    [LoggerMessage(4511, LogLevel.Information, "Cluster: a later INVITE {CallId} for hand-off {Token}…, whose call already continues here on the branch the front gave up on, takes the call over (the earlier branch gets BYE)")]
    public static partial void HandoffMovedToLaterBranch(this ILogger logger, string callId, string token);
}
