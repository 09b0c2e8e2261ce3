namespace Ncco.Host.Cluster;

/// <summary>The node that hosts a named conversation, as the conversation-host directory knows it now.</summary>
/// <param name="NodeId">The hosting node's id.</param>
/// <param name="ConversationId">The conversation's uuid (<c>CON-…</c>): the one every leg of the conversation reports,
/// whichever node it runs on. It stays the same when a live node takes over the claim of a dead host.</param>
/// <param name="InternalUrl">Where the other nodes reach the host (null for a single node, which is always its own host).</param>
/// <param name="IsThisNode">True when the node that asked is the host.</param>
public sealed record ConversationHost(string NodeId, string ConversationId, Uri? InternalUrl, bool IsThisNode);
