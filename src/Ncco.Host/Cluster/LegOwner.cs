namespace Ncco.Host.Cluster;

/// <summary>The node that runs a live call leg, as the cluster's directory knows it now.</summary>
/// <param name="NodeId">The node's id.</param>
/// <param name="InternalUrl">Where the other nodes reach it.</param>
/// <param name="IsAlive">False once its heartbeat is older than the cluster's dead-after time (or it left) and the asking
/// node has itself reached the store for that long since its last outage (before that, a stale heartbeat may only mean
/// the owner's next one has not landed yet).</param>
/// <param name="IsThisNode">True when it is the node asking.</param>
/// <param name="LastSeen">Its last heartbeat: when a dead node was last known alive.</param>
public sealed record LegOwner(string NodeId, Uri InternalUrl, bool IsAlive, bool IsThisNode, DateTimeOffset LastSeen);
