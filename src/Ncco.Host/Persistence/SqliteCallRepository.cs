using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Ncco.Host.Calls;

namespace Ncco.Host.Persistence;

/// <summary>Calls and their events in SQLite. Times are stored as Unix milliseconds so filters and ordering are numeric.</summary>
public sealed class SqliteCallRepository(SqliteDatabase database) : ICallRepository
{
    private const string Columns = StoreRows.CallColumns;

    /// <inheritdoc />
    public async Task WriteAsync(IReadOnlyList<CallRecord> calls, IReadOnlyList<CallEventRecord> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(events);
        if (calls.Count == 0 && events.Count == 0) return;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

        await using (var upsert = connection.CreateCommand())
        {
            upsert.Transaction = transaction;
            upsert.CommandText = $"INSERT OR REPLACE INTO calls ({Columns}) VALUES ($uuid, $app, $conv, $dir, $status, $tt, $tk, $tv, $ft, $fk, $fv, $created, $start, $end)";
            foreach (var name in (string[])["$uuid", "$app", "$conv", "$dir", "$status", "$tt", "$tk", "$tv", "$ft", "$fk", "$fv", "$created", "$start", "$end"])
                upsert.Parameters.Add(new SqliteParameter(name, null));
            foreach (var call in calls)
            {
                var p = upsert.Parameters;
                p["$uuid"].Value = call.Uuid;
                p["$app"].Value = call.ApplicationId;
                p["$conv"].Value = call.ConversationUuid;
                p["$dir"].Value = call.Direction;
                p["$status"].Value = call.Status;
                p["$tt"].Value = call.To.Type;
                p["$tk"].Value = call.To.Key;
                p["$tv"].Value = call.To.Value;
                p["$ft"].Value = (object?)call.From?.Type ?? DBNull.Value;
                p["$fk"].Value = (object?)call.From?.Key ?? DBNull.Value;
                p["$fv"].Value = (object?)call.From?.Value ?? DBNull.Value;
                p["$created"].Value = call.CreatedAt.ToUnixTimeMilliseconds();
                p["$start"].Value = (object?)call.StartTime?.ToUnixTimeMilliseconds() ?? DBNull.Value;
                p["$end"].Value = (object?)call.EndTime?.ToUnixTimeMilliseconds() ?? DBNull.Value;
                await upsert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO call_events (call_uuid, at, kind, payload) VALUES ($uuid, $at, $kind, $payload)";
            foreach (var name in (string[])["$uuid", "$at", "$kind", "$payload"]) insert.Parameters.Add(new SqliteParameter(name, null));
            foreach (var e in events)
            {
                insert.Parameters["$uuid"].Value = e.CallUuid;
                insert.Parameters["$at"].Value = e.At.ToUnixTimeMilliseconds();
                insert.Parameters["$kind"].Value = e.Kind;
                insert.Parameters["$payload"].Value = (object?)e.Payload ?? DBNull.Value;
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<CallRecord?> FindAsync(string uuid, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM calls WHERE uuid = $uuid";
        command.Parameters.AddWithValue("$uuid", uuid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? StoreRows.ReadCall(reader) : null;
    }

    /// <inheritdoc />
    public async Task<(IReadOnlyList<CallRecord> Items, int Total)> ListAsync(string applicationId, CallQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenAsync(cancellationToken);
        var where = new StringBuilder("application_id = $app");
        void Bind(SqliteCommand c)
        {
            c.Parameters.AddWithValue("$app", applicationId);
            if (query.Status is { } s) c.Parameters.AddWithValue("$status", s);
            if (query.DateStart is { } from) c.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
            if (query.DateEnd is { } to) c.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
            if (query.ConversationUuid is { } conv) c.Parameters.AddWithValue("$conv", conv);
            if (query.EndedNotBefore is { } kept) c.Parameters.AddWithValue("$kept", kept.ToUnixTimeMilliseconds());
        }
        if (query.Status is not null) where.Append(" AND status = $status");
        if (query.DateStart is not null) where.Append(" AND created_at >= $from");
        if (query.DateEnd is not null) where.Append(" AND created_at <= $to");
        if (query.ConversationUuid is not null) where.Append(" AND conversation_uuid = $conv");
        if (query.EndedNotBefore is not null) where.Append(" AND (end_time IS NULL OR end_time >= $kept)");

        await using var count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM calls WHERE {where}";
        Bind(count);
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);

        await using var page = connection.CreateCommand();
        var order = query.Descending ? "DESC" : "ASC";
        page.CommandText = $"SELECT {Columns} FROM calls WHERE {where} ORDER BY created_at {order}, rowid {order} LIMIT $limit OFFSET $offset";
        Bind(page);
        page.Parameters.AddWithValue("$limit", query.PageSize);
        page.Parameters.AddWithValue("$offset", query.RecordIndex);
        var items = new List<CallRecord>();
        await using var reader = await page.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) items.Add(StoreRows.ReadCall(reader));
        return (items, total);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CallEventRecord>> EventsAsync(string uuid, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT at, kind, payload FROM call_events WHERE call_uuid = $uuid ORDER BY id";
        command.Parameters.AddWithValue("$uuid", uuid);
        var events = new List<CallEventRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new CallEventRecord(uuid, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2)));
        }
        return events;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CallRecord>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM calls WHERE end_time IS NULL ORDER BY created_at, rowid";
        var items = new List<CallRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) items.Add(StoreRows.ReadCall(reader));
        return items;
    }

    /// <inheritdoc />
    public async Task<DateTimeOffset?> LastActivityAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(t) FROM (SELECT MAX(at) AS t FROM call_events UNION ALL SELECT MAX(created_at) FROM calls UNION ALL SELECT MAX(start_time) FROM calls)";
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture));
    }
}
