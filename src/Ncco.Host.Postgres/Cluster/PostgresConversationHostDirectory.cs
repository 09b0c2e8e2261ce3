using Ncco.Host.Cluster;
using Npgsql;

namespace Ncco.Host.Postgres.Cluster;

/// <summary>
/// <see cref="IConversationHostDirectory"/> on the shared database (<c>conversation_hosts</c>, one row per application
/// and name): the row names the host node, the incarnation that claimed it and the conversation uuid. The holder is
/// alive while <c>cluster_nodes</c> has that very incarnation of its id with a heartbeat younger than
/// <see cref="ClusterOptions.DeadAfter"/> (the database's clock, as membership judges it).
/// </summary>
/// <remarks>
/// A claim is one <c>INSERT … ON CONFLICT DO NOTHING</c>: of nodes claiming a free name at once, one inserts and the
/// others read its row. A take-over is a compare-and-set on the holder that was read dead (node id, incarnation and
/// conversation uuid in the <c>WHERE</c>), so of nodes taking over at once — a restarted holder among them — exactly
/// one updates the row and the others read the winner. Nothing else is locked; a claim costs one statement when the
/// name is free and two when it is held.
/// </remarks>
public sealed class PostgresConversationHostDirectory : IConversationHostDirectory
{
    // Each lost round means another node changed the row between our read and our write, so a few rounds suffice.
    private const int MaxRounds = 8;

    private readonly PostgresDatabase _database;
    private readonly Func<long> _incarnation;
    private readonly TimeSpan _deadAfter;

    /// <summary>
    /// The directory as node <paramref name="nodeId"/> sees it; <paramref name="incarnation"/> reads the node's current
    /// incarnation (<see cref="PostgresMembership.Incarnation"/>), and a holder whose heartbeat is older than
    /// <paramref name="deadAfter"/> is dead.
    /// </summary>
    public PostgresConversationHostDirectory(PostgresDatabase database, string nodeId, Func<long> incarnation, TimeSpan deadAfter)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ArgumentNullException.ThrowIfNull(incarnation);
        if (deadAfter <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(deadAfter), deadAfter, "The dead-after time must be positive.");
        _database = database;
        ThisNode = nodeId;
        _incarnation = incarnation;
        _deadAfter = deadAfter;
    }

    /// <inheritdoc />
    public string ThisNode { get; }

    /// <inheritdoc />
    public TimeSpan TakeOverAfter => _deadAfter;

    /// <inheritdoc />
    public async Task<ConversationHost> ClaimAsync(string applicationId, string name, string proposedConversationId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(applicationId);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(proposedConversationId);
        var incarnation = Incarnation();
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        for (var round = 0; round < MaxRounds; round++)
        {
            await using (var insert = new NpgsqlCommand("""
                INSERT INTO conversation_hosts (application_id, name, conversation_id, node_id, incarnation, claimed_at)
                VALUES (@app, @name, @id, @me, @incarnation, clock_timestamp())
                ON CONFLICT (application_id, name) DO NOTHING
                RETURNING (SELECT internal_url FROM cluster_nodes WHERE node_id = @me)
                """, connection))
            {
                insert.Text("app", applicationId);
                insert.Text("name", name);
                insert.Text("id", proposedConversationId);
                insert.Text("me", ThisNode);
                insert.Bigint("incarnation", incarnation);
                await using var inserted = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (await inserted.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return new ConversationHost(ThisNode, proposedConversationId, UrlAt(inserted, 0), IsThisNode: true);
                }
            }

            string conversationId, holder;
            long holderIncarnation;
            Uri? holderUrl;
            bool alive;
            await using (var read = new NpgsqlCommand("""
                SELECT h.conversation_id, h.node_id, h.incarnation, n.internal_url,
                       COALESCE(n.incarnation = h.incarnation AND clock_timestamp() - n.heartbeat_at < @dead, FALSE)
                FROM conversation_hosts h LEFT JOIN cluster_nodes n ON n.node_id = h.node_id
                WHERE h.application_id = @app AND h.name = @name
                """, connection))
            {
                read.Text("app", applicationId);
                read.Text("name", name);
                read.Parameters.Add(new NpgsqlParameter("dead", NpgsqlTypes.NpgsqlDbType.Interval) { Value = _deadAfter });
                await using var row = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                // Released between the insert and this read: claim it again.
                if (!await row.ReadAsync(cancellationToken).ConfigureAwait(false)) continue;
                conversationId = row.GetString(0);
                holder = row.GetString(1);
                holderIncarnation = row.GetInt64(2);
                holderUrl = UrlAt(row, 3);
                alive = row.GetBoolean(4);
            }
            if (alive) return new ConversationHost(holder, conversationId, holderUrl, holder == ThisNode && holderIncarnation == incarnation);

            await using var takeOver = new NpgsqlCommand("""
                UPDATE conversation_hosts SET node_id = @me, incarnation = @incarnation, claimed_at = clock_timestamp()
                WHERE application_id = @app AND name = @name AND node_id = @holder AND incarnation = @holderIncarnation AND conversation_id = @id
                RETURNING (SELECT internal_url FROM cluster_nodes WHERE node_id = @me)
                """, connection);
            takeOver.Text("me", ThisNode);
            takeOver.Bigint("incarnation", incarnation);
            takeOver.Text("app", applicationId);
            takeOver.Text("name", name);
            takeOver.Text("holder", holder);
            takeOver.Bigint("holderIncarnation", holderIncarnation);
            takeOver.Text("id", conversationId);
            await using var taken = await takeOver.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await taken.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return new ConversationHost(ThisNode, conversationId, UrlAt(taken, 0), IsThisNode: true);
            }
        }
        throw new InvalidOperationException($"The host of conversation {name} changed {MaxRounds} times while node {ThisNode} claimed it; try again.");
    }

    /// <inheritdoc />
    public async Task<bool> ReleaseAsync(string applicationId, string name, string conversationId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(applicationId);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        var incarnation = Incarnation();
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var release = new NpgsqlCommand("""
            DELETE FROM conversation_hosts
            WHERE application_id = @app AND name = @name AND conversation_id = @id AND node_id = @me AND incarnation = @incarnation
            """, connection);
        release.Text("app", applicationId);
        release.Text("name", name);
        release.Text("id", conversationId);
        release.Text("me", ThisNode);
        release.Bigint("incarnation", incarnation);
        return await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private long Incarnation()
    {
        var incarnation = _incarnation();
        // Before membership registered this start, a claim could not be told from the previous incarnation's.
        return incarnation > 0 ? incarnation
            : throw new InvalidOperationException($"Node {ThisNode} has not joined the cluster yet (no incarnation): it cannot host conversations.");
    }

    private static Uri? UrlAt(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new Uri(reader.GetString(ordinal));
}
