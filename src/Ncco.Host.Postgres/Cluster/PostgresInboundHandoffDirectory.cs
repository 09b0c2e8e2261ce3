using Ncco.Host.Cluster;
using Npgsql;

namespace Ncco.Host.Postgres.Cluster;

/// <summary>
/// <see cref="IInboundHandoffDirectory"/> on the shared database: the host of a named conversation is read from
/// <c>conversation_hosts</c> joined to <c>cluster_nodes</c> (alive as the conversation directory judges it: that very
/// incarnation, a heartbeat younger than <see cref="ClusterOptions.DeadAfter"/> on the database's clock, and a published
/// <c>sip_uri</c>); hand-offs are rows of <c>inbound_handoffs</c>, taken by one <c>DELETE … RETURNING</c> so a token
/// is used once, by whichever live node the front brings it to.
/// </summary>
public sealed class PostgresInboundHandoffDirectory : IInboundHandoffDirectory
{
    // Expired hand-offs (their INVITE never came: the caller hung up, or the host died) are reclaimed by the node that
    // stored them, which ends their calls (UntakenHandoffCloser). Those it never reclaimed (it died or stopped first:
    // its calls are then the sweep's) are removed as new ones are stored, long after they expired so a live node always
    // reclaims its own first, a bounded number at a time, so the table stays small without a sweeper.
    private const int ExpiredRemovedPerPut = 50;
    private static readonly TimeSpan PurgedAfterExpiry = TimeSpan.FromMinutes(10);

    private readonly Func<PostgresDatabase> _databaseOf;
    private readonly TimeSpan _deadAfter;

    /// <summary>
    /// The directory as node <paramref name="nodeId"/> sees it; <paramref name="enabled"/> false redirects nothing.
    /// <paramref name="database"/> is read on first use (with another store there is no database to open).
    /// </summary>
    public PostgresInboundHandoffDirectory(Func<PostgresDatabase> database, string nodeId, TimeSpan deadAfter, bool enabled)
        : this(database, nodeId, deadAfter, enabled, TimeSpan.FromSeconds(30))
    {
    }

    /// <summary>As above, with hand-offs valid for <paramref name="handoffLifetime"/>.</summary>
    public PostgresInboundHandoffDirectory(Func<PostgresDatabase> database, string nodeId, TimeSpan deadAfter, bool enabled, TimeSpan handoffLifetime)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        if (deadAfter <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(deadAfter), deadAfter, "The dead-after time must be positive.");
        _databaseOf = database;
        ThisNode = nodeId;
        if (handoffLifetime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(handoffLifetime), handoffLifetime, "A hand-off's lifetime must be positive.");
        _deadAfter = deadAfter;
        Enabled = enabled;
        HandoffLifetime = handoffLifetime;
    }

    private PostgresDatabase Database => _databaseOf();

    /// <inheritdoc />
    public bool Enabled { get; }

    /// <inheritdoc />
    public string ThisNode { get; }

    /// <inheritdoc />
    public TimeSpan HandoffLifetime { get; }

    /// <inheritdoc />
    public async Task<ConversationSipHost?> HostElsewhereAsync(string applicationId, string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(applicationId);
        ArgumentException.ThrowIfNullOrEmpty(name);
        await using var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var read = new NpgsqlCommand("""
            SELECT h.node_id, n.sip_uri, h.conversation_id
            FROM conversation_hosts h JOIN cluster_nodes n ON n.node_id = h.node_id AND n.incarnation = h.incarnation
            WHERE h.application_id = @app AND h.name = @name AND h.node_id <> @me AND n.sip_uri IS NOT NULL
              AND clock_timestamp() - n.heartbeat_at < @dead
            """, connection);
        read.Text("app", applicationId);
        read.Text("name", name);
        read.Text("me", ThisNode);
        read.Parameters.Add(new NpgsqlParameter("dead", NpgsqlTypes.NpgsqlDbType.Interval) { Value = _deadAfter });
        await using var row = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await row.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        return new ConversationSipHost(row.GetString(0), row.GetString(1), row.GetString(2));
    }

    /// <inheritdoc />
    public async Task PutAsync(InboundHandoffRecord handoff, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handoff);
        if (lifetime <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "A hand-off's lifetime must be positive.");
        await using var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO inbound_handoffs (token, application_id, leg_uuid, conversation_uuid, from_node, to_node, document, expires_at)
            VALUES (@token, @app, @leg, @conv, @from, @to, @doc, clock_timestamp() + @lifetime)
            """);
        insert.Parameters.Add(new NpgsqlParameter("token", handoff.Token));
        insert.Parameters.Add(new NpgsqlParameter("app", handoff.ApplicationId));
        insert.Parameters.Add(new NpgsqlParameter("leg", handoff.LegId));
        insert.Parameters.Add(new NpgsqlParameter("conv", handoff.ConversationId));
        insert.Parameters.Add(new NpgsqlParameter("from", handoff.FromNode));
        insert.Parameters.Add(new NpgsqlParameter("to", handoff.ToNode));
        insert.Parameters.Add(new NpgsqlParameter("doc", handoff.Document));
        insert.Parameters.Add(new NpgsqlParameter("lifetime", NpgsqlTypes.NpgsqlDbType.Interval) { Value = lifetime });
        batch.BatchCommands.Add(insert);
        var purge = new NpgsqlBatchCommand("""
            DELETE FROM inbound_handoffs WHERE token IN (
                SELECT token FROM inbound_handoffs WHERE expires_at < clock_timestamp() - @after ORDER BY expires_at LIMIT @limit)
            """);
        purge.Parameters.Add(new NpgsqlParameter("limit", ExpiredRemovedPerPut));
        purge.Parameters.Add(new NpgsqlParameter("after", NpgsqlTypes.NpgsqlDbType.Interval) { Value = PurgedAfterExpiry });
        batch.BatchCommands.Add(purge);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<InboundHandoffRecord?> TakeAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        await using var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var take = new NpgsqlCommand("""
            DELETE FROM inbound_handoffs WHERE token = @token AND expires_at >= clock_timestamp()
            RETURNING token, application_id, leg_uuid, conversation_uuid, from_node, to_node, document
            """, connection);
        take.Text("token", token);
        await using var row = await take.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await row.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        return new InboundHandoffRecord(row.GetString(0), row.GetString(1), row.GetString(2), row.GetString(3), row.GetString(4), row.GetString(5), row.GetString(6));
    }

    /// <inheritdoc />
    public async Task<InboundHandoffRecord?> ReclaimAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        await using var connection = await Database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var reclaim = new NpgsqlCommand("""
            DELETE FROM inbound_handoffs WHERE token = @token AND from_node = @me
            RETURNING token, application_id, leg_uuid, conversation_uuid, from_node, to_node, document
            """, connection);
        reclaim.Text("token", token);
        reclaim.Text("me", ThisNode);
        await using var row = await reclaim.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await row.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        return new InboundHandoffRecord(row.GetString(0), row.GetString(1), row.GetString(2), row.GetString(3), row.GetString(4), row.GetString(5), row.GetString(6));
    }
}
