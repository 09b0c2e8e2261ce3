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

    /// <summary>The journal's connection and its two statements, prepared once and bound directly.</summary>
    /// <remarks>
    /// The rows are bound and stepped with SQLite's own calls on the connection's handle, not through
    /// <see cref="SqliteCommand"/>: Microsoft.Data.Sqlite allocates per execution a binder per parameter, a boxed value
    /// per number, a data reader and the UTF-8 copy of every string, and a command and a reader for each BEGIN and
    /// COMMIT (≈ 7 KB of garbage per call at setup, issue 19). The batch is written synchronously (as it was: SQLite's
    /// calls do not yield), on the journal's own loop.
    /// Strings are encoded into the writer's own buffer with the same encoder Microsoft.Data.Sqlite's binding uses
    /// (<see cref="Encoding.UTF8"/>) and copied by SQLite as they are bound (SQLITE_TRANSIENT), so the stored text is the
    /// same bytes and the buffer is free again when the call returns. A busy or locked database is waited for as
    /// Microsoft.Data.Sqlite's commands wait (up to <see cref="BusyTimeoutMilliseconds"/>, its command timeout).
    /// </remarks>
    private sealed class JournalWriter : IAsyncDisposable
    {
        /// <summary>How long a write waits for a database another connection holds locked.</summary>
        internal const int BusyTimeoutMilliseconds = 30_000;

        private const int MaxKeptText = 64 * 1024;

        private const int BusyRetryMilliseconds = 150;

        private readonly SqliteConnection _connection;
        private readonly SQLitePCL.sqlite3 _db;
        private readonly SQLitePCL.sqlite3_stmt _upsert;
        private readonly SQLitePCL.sqlite3_stmt _insert;
        private readonly SQLitePCL.sqlite3_stmt _begin;
        private readonly SQLitePCL.sqlite3_stmt _commit;
        private readonly SQLitePCL.sqlite3_stmt _rollback;
        private byte[] _text = new byte[1024];

        private JournalWriter(SqliteConnection connection, SQLitePCL.sqlite3_stmt[] statements)
        {
            _connection = connection;
            _db = connection.Handle!;
            (_upsert, _insert, _begin, _commit, _rollback) = (statements[0], statements[1], statements[2], statements[3], statements[4]);
        }

        public static async Task<JournalWriter> OpenAsync(SqliteDatabase database, CancellationToken cancellationToken)
        {
            var connection = await database.OpenAsync(cancellationToken);
            var statements = new List<SQLitePCL.sqlite3_stmt>(5);
            try
            {
                var db = connection.Handle!;
                Check(SQLitePCL.raw.sqlite3_busy_timeout(db, BusyTimeoutMilliseconds), db);
                foreach (var sql in (string[])[
                    $"INSERT OR REPLACE INTO calls ({Columns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                    "INSERT INTO call_events (call_uuid, at, kind, payload) VALUES (?1, ?2, ?3, ?4)",
                    // Immediate: the write lock is taken (waiting for it as long as the busy timeout allows) before the
                    // batch's first row. A deferred transaction's first write would upgrade a read lock, which SQLite
                    // refuses at once, without waiting, while another connection writes.
                    "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"])
                {
                    Check(SQLitePCL.raw.sqlite3_prepare_v2(db, sql, out var statement), db);
                    statements.Add(statement);
                }
                return new JournalWriter(connection, [.. statements]);
            }
            catch
            {
                foreach (var statement in statements) statement.Dispose();
                await connection.DisposeAsync();
                throw;
            }
        }

        private static void Check(int rc, SQLitePCL.sqlite3 db)
        {
            if (rc != SQLitePCL.raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, db);
        }

        /// <summary>Writes the batch in one transaction: all of it, or (on an error, which is thrown) none of it.</summary>
        public Task WriteAsync(IReadOnlyList<CallRecord> calls, IReadOnlyList<CallEventRecord> events, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Step(_begin);
            try
            {
                var s = _upsert;
                for (var i = 0; i < calls.Count; i++)
                {
                    var call = calls[i];
                    Text(s, 1, call.Uuid);
                    Text(s, 2, call.ApplicationId);
                    Text(s, 3, call.ConversationUuid);
                    Text(s, 4, call.Direction);
                    Text(s, 5, call.Status);
                    Text(s, 6, call.To.Type);
                    Text(s, 7, call.To.Key);
                    Text(s, 8, call.To.Value);
                    Text(s, 9, call.From?.Type);
                    Text(s, 10, call.From?.Key);
                    Text(s, 11, call.From?.Value);
                    Number(s, 12, call.CreatedAt.ToUnixTimeMilliseconds());
                    Number(s, 13, call.StartTime?.ToUnixTimeMilliseconds());
                    Number(s, 14, call.EndTime?.ToUnixTimeMilliseconds());
                    Step(s);
                }
                s = _insert;
                for (var i = 0; i < events.Count; i++)
                {
                    var callEvent = events[i];
                    Text(s, 1, callEvent.CallUuid);
                    Number(s, 2, callEvent.At.ToUnixTimeMilliseconds());
                    Text(s, 3, callEvent.Kind);
                    Text(s, 4, callEvent.Payload);
                    Step(s);
                }
                cancellationToken.ThrowIfCancellationRequested();
                Step(_commit);
            }
            catch
            {
                // Nothing of the batch stays (SQLite may have rolled it back itself already: then this does nothing).
                SQLitePCL.raw.sqlite3_step(_rollback);
                SQLitePCL.raw.sqlite3_reset(_rollback);
                throw;
            }
            finally
            {
                // Bounded: a rare large payload does not keep its buffer for the writer's lifetime.
                if (_text.Length > MaxKeptText) _text = new byte[1024];
            }
            return Task.CompletedTask;
        }

        private void Text(SQLitePCL.sqlite3_stmt statement, int index, string? value)
        {
            if (value is null)
            {
                Check(SQLitePCL.raw.sqlite3_bind_null(statement, index), _db);
                return;
            }
            if (Encoding.UTF8.GetMaxByteCount(value.Length) > _text.Length && Encoding.UTF8.GetByteCount(value) is var needed && needed > _text.Length)
            {
                _text = new byte[Math.Max(needed, _text.Length * 2)];
            }
            var written = Encoding.UTF8.GetBytes(value, _text);
            // SQLite copies the text before this returns (SQLITE_TRANSIENT): the buffer is free for the next value.
            Check(SQLitePCL.raw.sqlite3_bind_text(statement, index, _text.AsSpan(0, written)), _db);
        }

        private void Number(SQLitePCL.sqlite3_stmt statement, int index, long? value) =>
            Check(value is { } v ? SQLitePCL.raw.sqlite3_bind_int64(statement, index, v) : SQLitePCL.raw.sqlite3_bind_null(statement, index), _db);

        private void Step(SQLitePCL.sqlite3_stmt statement)
        {
            // As Microsoft.Data.Sqlite's commands do: a statement refused because another connection holds a lock is
            // tried again every 150 ms, up to the command timeout. The database is opened with a shared cache, where a
            // table another connection of this process holds answers SQLITE_LOCKED, which SQLite's busy handler does not
            // wait for (it covers SQLITE_BUSY, the file's lock).
            var started = TimeProvider.System.GetTimestamp();
            int rc;
            while (IsBusy(rc = SQLitePCL.raw.sqlite3_step(statement))
                && TimeProvider.System.GetElapsedTime(started).TotalMilliseconds < BusyTimeoutMilliseconds)
            {
                SQLitePCL.raw.sqlite3_reset(statement); // keeps the bindings
                Thread.Sleep(BusyRetryMilliseconds);
            }
            try
            {
                // Before the reset, while the connection's error message is this step's.
                if (rc != SQLitePCL.raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _db);
            }
            finally
            {
                // Whatever happened, the statement is ready for the next row and holds no text of this one.
                SQLitePCL.raw.sqlite3_reset(statement);
                SQLitePCL.raw.sqlite3_clear_bindings(statement);
            }
        }

        private static bool IsBusy(int rc) => (rc & 0xFF) is SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_LOCKED;

        public async ValueTask DisposeAsync()
        {
            foreach (var statement in (SQLitePCL.sqlite3_stmt[])[_upsert, _insert, _begin, _commit, _rollback]) statement.Dispose();
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
