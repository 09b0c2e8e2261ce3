using System.Text;
using Ncco.Host.Calls;
using Ncco.Host.Persistence;
using Npgsql;

namespace Ncco.Host.Postgres;

/// <summary>
/// Calls and their events in PostgreSQL, times as Unix milliseconds as in SQLite. Every row carries the node that
/// wrote it (<c>owner_node</c>, the node running the leg): <see cref="ListUnfinishedAsync"/> and
/// <see cref="LastActivityAsync"/> answer for this node only, so a node that restarts after a crash ends its own
/// calls and never those live on the other nodes.
/// <para>
/// A row whose end is stored is final: a later write of the same leg changes nothing. A node writes nothing after a
/// leg's end, so the only such write is a node's late one for a leg the others' sweep ended while the node was cut
/// from the database — the sweep's record (and the one final event it sent) stays. The row's <c>ended_by</c> names the
/// node whose write ended it (this node's journal here; the ending node for a dead owner's leg), which is how a node
/// back from a cut knows whether its held final events are its to send (<see cref="Cluster.FinalEventHold"/>).
/// </para>
/// </summary>
public sealed class PostgresCallRepository(PostgresDatabase database, string nodeId) : ICallRepository
{
    private const string Columns = StoreRows.CallColumns;

    /// <inheritdoc />
    public async Task WriteAsync(IReadOnlyList<CallRecord> calls, IReadOnlyList<CallEventRecord> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(events);
        if (calls.Count == 0 && events.Count == 0) return;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var call in calls)
        {
            var upsert = new NpgsqlBatchCommand($"""
                INSERT INTO calls ({Columns}, owner_node, ended_by) VALUES (@uuid, @app, @conv, @dir, @status, @tt, @tk, @tv, @ft, @fk, @fv, @created, @start, @end, @node, @endedby)
                ON CONFLICT (uuid) DO UPDATE SET application_id = EXCLUDED.application_id, conversation_uuid = EXCLUDED.conversation_uuid,
                    direction = EXCLUDED.direction, status = EXCLUDED.status, to_type = EXCLUDED.to_type, to_key = EXCLUDED.to_key,
                    to_value = EXCLUDED.to_value, from_type = EXCLUDED.from_type, from_key = EXCLUDED.from_key, from_value = EXCLUDED.from_value,
                    created_at = EXCLUDED.created_at, start_time = EXCLUDED.start_time, end_time = EXCLUDED.end_time, owner_node = EXCLUDED.owner_node,
                    ended_by = EXCLUDED.ended_by
                WHERE calls.end_time IS NULL
                """);
            var p = upsert.Parameters;
            p.Add(Text("uuid", call.Uuid));
            p.Add(Text("app", call.ApplicationId));
            p.Add(Text("conv", call.ConversationUuid));
            p.Add(Text("dir", call.Direction));
            p.Add(Text("status", call.Status));
            p.Add(Text("tt", call.To.Type));
            p.Add(Text("tk", call.To.Key));
            p.Add(Text("tv", call.To.Value));
            p.Add(Text("ft", call.From?.Type));
            p.Add(Text("fk", call.From?.Key));
            p.Add(Text("fv", call.From?.Value));
            p.Add(Bigint("created", call.CreatedAt.ToUnixTimeMilliseconds()));
            p.Add(Bigint("start", call.StartTime?.ToUnixTimeMilliseconds()));
            p.Add(Bigint("end", call.EndTime?.ToUnixTimeMilliseconds()));
            p.Add(Text("node", nodeId));
            p.Add(Text("endedby", call.EndTime is null ? null : nodeId));
            batch.BatchCommands.Add(upsert);
        }
        foreach (var e in events)
        {
            var insert = new NpgsqlBatchCommand("INSERT INTO call_events (call_uuid, at, kind, payload, owner_node) VALUES (@uuid, @at, @kind, @payload, @node)");
            insert.Parameters.Add(Text("uuid", e.CallUuid));
            insert.Parameters.Add(Bigint("at", e.At.ToUnixTimeMilliseconds()));
            insert.Parameters.Add(Text("kind", e.Kind));
            insert.Parameters.Add(Text("payload", e.Payload));
            insert.Parameters.Add(Text("node", nodeId));
            batch.BatchCommands.Add(insert);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<CallRecord?> FindAsync(string uuid, CancellationToken cancellationToken)
    {
        return await database.RetryingAsync(uuid, static async (connection, uuid, cancellationToken) =>
        {
            await using var command = new NpgsqlCommand($"SELECT {Columns} FROM calls WHERE uuid = @uuid", connection);
            command.Text("uuid", uuid);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? StoreRows.ReadCall(reader) : null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<(IReadOnlyList<CallRecord> Items, int Total)> ListAsync(string applicationId, CallQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var where = new StringBuilder("application_id = @app");
        if (query.Status is not null) where.Append(" AND status = @status");
        if (query.DateStart is not null) where.Append(" AND created_at >= @from");
        if (query.DateEnd is not null) where.Append(" AND created_at <= @to");
        if (query.ConversationUuid is not null) where.Append(" AND conversation_uuid = @conv");
        if (query.EndedNotBefore is not null) where.Append(" AND (end_time IS NULL OR end_time >= @kept)");
        void Bind(NpgsqlCommand c)
        {
            c.Text("app", applicationId);
            if (query.Status is { } s) c.Text("status", s);
            if (query.DateStart is { } from) c.Bigint("from", from.ToUnixTimeMilliseconds());
            if (query.DateEnd is { } to) c.Bigint("to", to.ToUnixTimeMilliseconds());
            if (query.ConversationUuid is { } conv) c.Text("conv", conv);
            if (query.EndedNotBefore is { } kept) c.Bigint("kept", kept.ToUnixTimeMilliseconds());
        }

        await using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM calls WHERE {where}", connection);
        Bind(count);
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);

        var order = query.Descending ? "DESC" : "ASC";
        await using var page = new NpgsqlCommand($"SELECT {Columns} FROM calls WHERE {where} ORDER BY created_at {order}, seq {order} LIMIT @limit OFFSET @offset", connection);
        Bind(page);
        page.Integer("limit", query.PageSize);
        page.Integer("offset", query.RecordIndex);
        var items = new List<CallRecord>();
        await using var reader = await page.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) items.Add(StoreRows.ReadCall(reader));
        return (items, total);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CallEventRecord>> EventsAsync(string uuid, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT at, kind, payload FROM call_events WHERE call_uuid = @uuid ORDER BY id", connection);
        command.Text("uuid", uuid);
        var events = new List<CallEventRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            events.Add(new CallEventRecord(uuid, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2)));
        }
        return events;
    }

    /// <inheritdoc />
    /// <remarks>This node's calls only: the other nodes' live calls are theirs.</remarks>
    public async Task<IReadOnlyList<CallRecord>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM calls WHERE end_time IS NULL AND owner_node = @node ORDER BY created_at, seq", connection);
        command.Text("node", nodeId);
        var items = new List<CallRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) items.Add(StoreRows.ReadCall(reader));
        return items;
    }

    /// <inheritdoc />
    /// <remarks>What this node wrote last: when this node, not the cluster, was last known alive.</remarks>
    public async Task<DateTimeOffset?> LastActivityAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            SELECT GREATEST((SELECT MAX(at) FROM call_events WHERE owner_node = @node),
                            (SELECT MAX(created_at) FROM calls WHERE owner_node = @node),
                            (SELECT MAX(start_time) FROM calls WHERE owner_node = @node))
            """, connection);
        command.Text("node", nodeId);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)PostgresText.Clean(value) ?? DBNull.Value };

    private static NpgsqlParameter Bigint(string name, long? value) =>
        new(name, NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)value ?? DBNull.Value };
}
