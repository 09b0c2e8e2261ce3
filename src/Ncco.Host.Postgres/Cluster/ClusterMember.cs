namespace Ncco.Host.Postgres.Cluster;

/// <summary>One node as the shared database knows it.</summary>
/// <param name="NodeId">Its id (<c>Ncco:Cluster:NodeId</c>).</param>
/// <param name="Incarnation">How many times it has started: each start gets the next number.</param>
/// <param name="InternalUrl">Where the other nodes reach it.</param>
/// <param name="StartedAt">When this incarnation started (the database's clock).</param>
/// <param name="HeartbeatAt">Its last heartbeat (the database's clock).</param>
/// <param name="IsAlive">True when the last heartbeat is younger than <see cref="ClusterOptions.DeadAfter"/>.</param>
public sealed record ClusterMember(string NodeId, long Incarnation, Uri InternalUrl, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, bool IsAlive);
