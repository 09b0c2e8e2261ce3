namespace Ncco.Host.Cluster;

/// <summary>
/// Which node hosts each named conversation (a conversation is named per application, as on Vonage). One node at a
/// time hosts a name: it holds the conversation's mix, and legs running on other nodes are brought to it. The single
/// node (SQLite store) is always the host (<see cref="LocalConversationHostDirectory"/>); the shared PostgreSQL store
/// keeps the claims in the database (<c>Ncco.Host.Postgres</c>).
/// </summary>
/// <remarks>
/// Rules every implementation keeps (the repository contract tests check both providers):
/// <list type="bullet">
/// <item>A claim is atomic: nodes claiming one name at the same moment agree on one host and one conversation uuid.</item>
/// <item>A claim held by a live host is answered as it is (<see cref="ConversationHost.IsThisNode"/> false on the others).</item>
/// <item>A claim held by a dead node — its heartbeat older than the cluster's dead-after time, or a node id that has
/// restarted since it claimed (a new incarnation: the conversation died with the old process) — is taken over by the
/// next node that claims the name, keeping the conversation uuid. Exactly one claimant wins a take-over, so a
/// conversation never has two hosts, the restarted node included.</item>
/// <item>Only the host that holds a claim can release it, and only for the conversation it claimed.</item>
/// </list>
/// </remarks>
public interface IConversationHostDirectory
{
    /// <summary>This node's id.</summary>
    string ThisNode { get; }

    /// <summary>
    /// How long after a host's death its claims can be taken over at the latest (a cluster's dead-after time; zero for
    /// one node): legs bridged to a host that died ask again for that long, and more, before giving up.
    /// </summary>
    TimeSpan TakeOverAfter { get; }

    /// <summary>
    /// Returns the host of conversation <paramref name="name"/> of application <paramref name="applicationId"/>,
    /// claiming it for this node — with <paramref name="proposedConversationId"/> as its uuid when nobody held it — when
    /// nobody holds it or its holder is dead.
    /// </summary>
    Task<ConversationHost> ClaimAsync(string applicationId, string name, string proposedConversationId, CancellationToken cancellationToken);

    /// <summary>
    /// The host ends conversation <paramref name="conversationId"/> (named <paramref name="name"/>): the name is free, and
    /// its next claim starts a new conversation. True when this node held that claim and released it; a claim another
    /// node took over, or a later conversation of the same name, is left alone.
    /// </summary>
    Task<bool> ReleaseAsync(string applicationId, string name, string conversationId, CancellationToken cancellationToken);
}
