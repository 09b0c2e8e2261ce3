namespace Ncco.Host.Cluster;

/// <summary>Log messages of the redirect of inbound calls before answer (event ids 4420–4429).</summary>
internal static partial class InboundHandoffLog
{
    [LoggerMessage(4420, LogLevel.Information, "Cluster: call {CallUuid} is redirected before answer to node {NodeId} ({SipUri}), which hosts conversation {Name}")]
    public static partial void CallRedirected(this ILogger logger, string callUuid, string nodeId, string sipUri, string name);

    [LoggerMessage(4421, LogLevel.Information, "Cluster: call {CallUuid} redirected by node {FromNode} continues here")]
    public static partial void HandoffTaken(this ILogger logger, string callUuid, string fromNode);

    [LoggerMessage(4422, LogLevel.Warning, "Cluster: INVITE from {Source} names hand-off {Token}, which is unknown, expired or already taken")]
    public static partial void HandoffUnknown(this ILogger logger, object source, string token);

    [LoggerMessage(4423, LogLevel.Warning, "Cluster: hand-off of call {CallUuid} cannot continue here: {Reason}")]
    public static partial void HandoffUnusable(this ILogger logger, string callUuid, string reason);

    [LoggerMessage(4424, LogLevel.Warning, "Cluster: the redirect of call {CallUuid} was not planned; it is answered here: {Reason}")]
    public static partial void RedirectNotPlanned(this ILogger logger, string callUuid, string reason);
}
