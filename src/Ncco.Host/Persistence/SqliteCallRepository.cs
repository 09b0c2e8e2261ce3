using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Ncco.Host.Calls;

namespace Ncco.Host.Persistence;

/// <summary>Calls and their events in SQLite. Times are stored as Unix milliseconds so filters and ordering are numeric.</summary>
/// <remarks>
/// The journal's writes go through one connection kept open with its two statements prepared once (<see cref="JournalWriter"/>):
/// opening a pooled connection, creating both commands, adding their 18 parameters and preparing the statements again for
/// every batch was ≈ 15 KB of garbage per call at setup (issue 19), where a batch holds a call's few rows. Reads open
/// their own connections as before (WAL: they never wait for the writer).
/// </remarks>
public sealed class SqliteCallRepository(SqliteDatabase database) : ICallRepository, IAsyncDisposable
{
    private const string Columns = StoreRows.CallColumns;

    // Writes are serialised (the journal has one writer loop; the lock keeps another caller correct) and use the writer.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private JournalWriter? _writer;
    private bool _disposed;

    /// <inheritdoc />
    public async Task WriteAsync(IReadOnlyList<CallRecord> calls, IReadOnlyList<CallEventRecord> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(events);
        if (calls.Count == 0 && events.Count == 0) return;
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var writer = _writer ??= await JournalWriter.OpenAsync(database, cancellationToken);
            try
            {
                await writer.WriteAsync(calls, events, cancellationToken);
            }
            catch
            {
                // The batch was rolled back. Start the next one on a fresh connection rather than trust this one.
                _writer = null;
                await writer.DisposeAsync();
                throw;
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Closes the journal's connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            _disposed = true;
            if (_writer is { } writer)
            {
                _writer = null;
                await writer.DisposeAsync();
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The journal's connection and its two prepared statements, with their parameters kept for binding.</summary>
    private sealed class JournalWriter : IAsyncDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _upsert;
        private readonly SqliteParameter[] _call;
        private readonly SqliteCommand _insert;
        private readonly SqliteParameter[] _event;

        private JournalWriter(SqliteConnection connection)
        {
            _connection = connection;
            _upsert = connection.CreateCommand();
            _upsert.CommandText = $"INSERT OR REPLACE INTO calls ({Columns}) VALUES ($uuid, $app, $conv, $dir, $status, $tt, $tk, $tv, $ft, $fk, $fv, $created, $start, $end)";
            _call = Add(_upsert, "$uuid", "$app", "$conv", "$dir", "$status", "$tt", "$tk", "$tv", "$ft", "$fk", "$fv", "$created", "$start", "$end");
            _insert = connection.CreateCommand();
            _insert.CommandText = "INSERT INTO call_events (call_uuid, at, kind, payload) VALUES ($uuid, $at, $kind, $payload)";
            _event = Add(_insert, "$uuid", "$at", "$kind", "$payload");
        }

        private static SqliteParameter[] Add(SqliteCommand command, params string[] names)
        {
            var parameters = new SqliteParameter[names.Length];
            for (var i = 0; i < names.Length; i++) parameters[i] = command.Parameters.Add(new SqliteParameter(names[i], null));
            return parameters;
        }

        public static async Task<JournalWriter> OpenAsync(SqliteDatabase database, CancellationToken cancellationToken)
        {
            var connection = await database.OpenAsync(cancellationToken);
            try
            {
                var writer = new JournalWriter(connection);
                writer._upsert.Prepare();
                writer._insert.Prepare();
                return writer;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        public async Task WriteAsync(IReadOnlyList<CallRecord> calls, IReadOnlyList<CallEventRecord> events, CancellationToken cancellationToken)
        {
            await using var transaction = _connection.BeginTransaction();
            _upsert.Transaction = transaction;
            _insert.Transaction = transaction;
            var p = _call;
            foreach (var call in calls)
            {
                p[0].Value = call.Uuid;
                p[1].Value = call.ApplicationId;
                p[2].Value = call.ConversationUuid;
                p[3].Value = call.Direction;
                p[4].Value = call.Status;
                p[5].Value = call.To.Type;
                p[6].Value = call.To.Key;
                p[7].Value = call.To.Value;
                p[8].Value = (object?)call.From?.Type ?? DBNull.Value;
                p[9].Value = (object?)call.From?.Key ?? DBNull.Value;
                p[10].Value = (object?)call.From?.Value ?? DBNull.Value;
                p[11].Value = call.CreatedAt.ToUnixTimeMilliseconds();
                p[12].Value = (object?)call.StartTime?.ToUnixTimeMilliseconds() ?? DBNull.Value;
                p[13].Value = (object?)call.EndTime?.ToUnixTimeMilliseconds() ?? DBNull.Value;
                await _upsert.ExecuteNonQueryAsync(cancellationToken);
            }
            var e = _event;
            foreach (var callEvent in events)
            {
                e[0].Value = callEvent.CallUuid;
                e[1].Value = callEvent.At.ToUnixTimeMilliseconds();
                e[2].Value = callEvent.Kind;
                e[3].Value = (object?)callEvent.Payload ?? DBNull.Value;
                await _insert.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            // Strings bound last batch are not kept alive until the next one.
            foreach (var parameter in _call) parameter.Value = null;
            foreach (var parameter in _event) parameter.Value = null;
        }

        public async ValueTask DisposeAsync()
        {
            await _upsert.DisposeAsync();
            await _insert.DisposeAsync();
            await _connection.DisposeAsync();
        }
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
