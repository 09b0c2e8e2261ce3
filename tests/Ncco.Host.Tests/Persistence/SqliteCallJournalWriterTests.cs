using Ncco.Host.Calls;
using Ncco.Host.Persistence;

namespace Ncco.Host.Tests.Persistence;

/// <summary>
/// The SQLite call repository writes the journal's batches through one kept connection with its statements prepared
/// once: every batch lands as before (upserts, events in order, absent values as NULL), a failed batch leaves nothing
/// behind and does not stop the next, and a batch no longer pays for a connection, two commands and their preparation.
/// </summary>
public sealed class SqliteCallJournalWriterTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ncco-call-writer-" + Guid.NewGuid().ToString("N"));
    private SqliteDatabase _database = null!;
    private SqliteCallRepository _repository = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _database = SqliteDatabase.AtPath(Path.Combine(_directory, "ncco.db"));
        await _database.MigrateAsync(CancellationToken.None);
        _repository = new SqliteCallRepository(_database);
    }

    public async Task DisposeAsync()
    {
        await _repository.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_765_000_000_000);

    private static CallRecord Call(string uuid, string status, DateTimeOffset? end = null, CallParty? from = null) =>
        new(uuid, "app-1", "CON-" + uuid, "inbound", status, CallParty.Of("phone", "447700900000"), T0)
        {
            From = from,
            StartTime = status == "started" ? null : T0.AddSeconds(1),
            EndTime = end,
        };

    [Fact]
    public async Task Batches_through_the_kept_connection_upsert_calls_and_append_events_in_order()
    {
        var uuid = Guid.NewGuid().ToString();
        await _repository.WriteAsync([Call(uuid, "started")], [new CallEventRecord(uuid, T0, "started", "{\"a\":1}")], CancellationToken.None);
        await _repository.WriteAsync([Call(uuid, "answered", from: CallParty.Of("sip", "sip:alice@example.com"))],
            [new CallEventRecord(uuid, T0.AddSeconds(1), "answered", null)], CancellationToken.None);
        await _repository.WriteAsync([Call(uuid, "completed", end: T0.AddSeconds(9))],
            [new CallEventRecord(uuid, T0.AddSeconds(9), "completed", "{\"b\":2}")], CancellationToken.None);

        var stored = await _repository.FindAsync(uuid, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal("completed", stored.Status);
        Assert.Null(stored.From);
        Assert.Equal(T0.AddSeconds(1), stored.StartTime);
        Assert.Equal(T0.AddSeconds(9), stored.EndTime);
        var events = await _repository.EventsAsync(uuid, CancellationToken.None);
        Assert.Equal(["started", "answered", "completed"], events.Select(e => e.Kind));
        Assert.Equal(["{\"a\":1}", null, "{\"b\":2}"], events.Select(e => e.Payload));
        Assert.Equal(T0.AddSeconds(9), events[2].At);
    }

    [Fact]
    public async Task A_failed_batch_is_rolled_back_whole_and_the_next_batch_is_written()
    {
        var kept = Guid.NewGuid().ToString();
        await _repository.WriteAsync([Call(kept, "started")], [], CancellationToken.None);

        // The second call breaks a NOT NULL column: nothing of this batch may be stored, not even the rows before it.
        var lost = Guid.NewGuid().ToString();
        var broken = Call(Guid.NewGuid().ToString(), "started") with { ApplicationId = null! };
        await Assert.ThrowsAnyAsync<Exception>(() => _repository.WriteAsync([Call(lost, "started"), broken],
            [new CallEventRecord(lost, T0, "started", null)], CancellationToken.None));
        Assert.Null(await _repository.FindAsync(lost, CancellationToken.None));
        Assert.Empty(await _repository.EventsAsync(lost, CancellationToken.None));

        var next = Guid.NewGuid().ToString();
        await _repository.WriteAsync([Call(next, "answered")], [new CallEventRecord(next, T0, "answered", null)], CancellationToken.None);
        Assert.Equal("answered", (await _repository.FindAsync(next, CancellationToken.None))?.Status);
        Assert.Single(await _repository.EventsAsync(next, CancellationToken.None));
        Assert.Equal("started", (await _repository.FindAsync(kept, CancellationToken.None))?.Status);
    }

    [Fact]
    public async Task A_batch_allocates_far_less_than_opening_and_preparing_per_batch_did()
    {
        var fresh = new SqliteCallRepository(_database);
        await using var _ = fresh;
        await BytesOfBatchAsync(fresh.WriteAsync);
        await BytesOfBatchAsync(OpenAndPrepareEachTimeAsync);
        long kept = long.MaxValue, perBatch = long.MaxValue;
        for (var i = 0; i < 10; i++)
        {
            kept = Math.Min(kept, await BytesOfBatchAsync(fresh.WriteAsync));
            perBatch = Math.Min(perBatch, await BytesOfBatchAsync(OpenAndPrepareEachTimeAsync));
        }

        // A batch of one call and three events binds 26 values. Through SqliteCommand that was a binder, a boxed number
        // and the UTF-8 text per value, and a data reader per row, on top of which opening and preparing per batch came
        // (4.9 KB against 8.0 KB); bound directly, what is left is the transaction and the async machinery.
        Assert.True(kept * 4 < perBatch, $"a batch allocated {kept} B through the kept connection, {perBatch} B opening and preparing");
    }

    /// <summary>
    /// The directly bound rows are the same values, of the same SQLite types, byte for byte, as Microsoft.Data.Sqlite's
    /// binding stored: ASCII, non-ASCII and astral text, a lone surrogate (both encode it as U+FFFD), NULLs, numbers, and
    /// payloads larger than the writer's first buffer and than the buffer it keeps between batches.
    /// </summary>
    [Fact]
    public async Task Rows_bound_directly_are_byte_for_byte_what_SqliteCommand_stored()
    {
        string[] payloads =
        [
            "{\"status\":\"started\"}",
            "{\"from\":\"Zoë ☎ 𝄞\"}",
            "{\"bad\":\"\ud800x\"}",
            "",
            new string('é', 3000),
            "{\"big\":\"" + new string('a', 100_000) + "\"}",
        ];
        async Task<string> StoredAsync(WriteBatch write)
        {
            var uuid = Guid.NewGuid().ToString();
            CallRecord[] calls =
            [
                Call(uuid, "answered", end: T0.AddSeconds(3), from: CallParty.Of("sip", "sip:Zoë@example.com")) with { ConversationUuid = "CON-☎-\ud800" },
                Call(uuid + "-2", "started") with { ConversationUuid = "CON-2" },
            ];
            var events = payloads.Select((p, i) => new CallEventRecord(uuid, T0.AddMilliseconds(i), "kind-" + i, p))
                .Append(new CallEventRecord(uuid, T0, "null", null)).ToArray();
            await write(calls, events, CancellationToken.None);
            await using var connection = await _database.OpenAsync(CancellationToken.None);
            await using var command = connection.CreateCommand();
            var columns = string.Join(" || '|' || ", StoreRows.CallColumns.Split(", ").Skip(1).Select(c => $"typeof({c}) || ':' || hex({c})"));
            command.CommandText = $"SELECT {columns} FROM calls WHERE uuid IN ($a, $b) ORDER BY uuid";
            command.Parameters.AddWithValue("$a", uuid);
            command.Parameters.AddWithValue("$b", uuid + "-2");
            var rows = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
            }
            command.CommandText = "SELECT typeof(at) || ':' || hex(at) || '|' || typeof(kind) || ':' || hex(kind) || '|' || typeof(payload) || ':' || hex(payload) FROM call_events WHERE call_uuid = $a ORDER BY rowid";
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
            }
            Assert.Equal(2 + payloads.Length + 1, rows.Count);
            return string.Join("\n", rows);
        }

        var old = await StoredAsync(OpenAndPrepareEachTimeAsync);
        var direct = await StoredAsync(_repository.WriteAsync);
        // Twice through the same writer: its buffer, grown for the large payload and let go after the batch, is reused.
        var again = await StoredAsync(_repository.WriteAsync);

        Assert.Equal(old, direct);
        Assert.Equal(old, again);
        Assert.True(old.Contains("EFBFBD78", StringComparison.Ordinal), old[..Math.Min(old.Length, 3000)]);
    }

    [Fact]
    public async Task A_write_waits_for_a_database_another_connection_holds_locked()
    {
        var uuid = Guid.NewGuid().ToString();
        await _repository.WriteAsync([Call(uuid, "started")], [], CancellationToken.None);
        await using var other = await _database.OpenAsync(CancellationToken.None);
        await using (var begin = other.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }

        // SQLite waits for the lock in the writing thread (as Microsoft.Data.Sqlite's own retries did): off this one.
        var write = Task.Run(() => _repository.WriteAsync([Call(uuid, "answered")], [new CallEventRecord(uuid, T0, "answered", null)], CancellationToken.None));
        await Task.Delay(300);
        Assert.False(write.IsCompleted, write.Exception?.ToString() ?? "completed");
        await using (var commit = other.CreateCommand())
        {
            commit.CommandText = "COMMIT";
            await commit.ExecuteNonQueryAsync();
        }
        await write.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("answered", (await _repository.FindAsync(uuid, CancellationToken.None))?.Status);
    }

    /// <summary>What every batch did before the writer kept its connection (the same rows, the same statements).</summary>
    private async Task OpenAndPrepareEachTimeAsync(IReadOnlyList<CallRecord> calls, IReadOnlyList<CallEventRecord> events, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var upsert = connection.CreateCommand())
        {
            upsert.Transaction = transaction;
            upsert.CommandText = $"INSERT OR REPLACE INTO calls ({StoreRows.CallColumns}) VALUES ($uuid, $app, $conv, $dir, $status, $tt, $tk, $tv, $ft, $fk, $fv, $created, $start, $end)";
            foreach (var name in (string[])["$uuid", "$app", "$conv", "$dir", "$status", "$tt", "$tk", "$tv", "$ft", "$fk", "$fv", "$created", "$start", "$end"])
                upsert.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter(name, null));
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
            foreach (var name in (string[])["$uuid", "$at", "$kind", "$payload"]) insert.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter(name, null));
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

    private delegate Task WriteBatch(IReadOnlyList<CallRecord> calls, IReadOnlyList<CallEventRecord> events, CancellationToken cancellationToken);

    private static async Task<long> BytesOfBatchAsync(WriteBatch write)
    {
        var uuid = Guid.NewGuid().ToString();
        CallRecord[] calls = [Call(uuid, "answered", from: CallParty.Of("sip", "sip:bob@example.com"))];
        CallEventRecord[] events =
        [
            new(uuid, T0, "started", "{\"status\":\"started\"}"),
            new(uuid, T0, "ringing", "{\"status\":\"ringing\"}"),
            new(uuid, T0, "answered", "{\"status\":\"answered\"}"),
        ];
        var before = GC.GetAllocatedBytesForCurrentThread();
        await write(calls, events, CancellationToken.None);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public async Task A_disposed_repository_refuses_writes()
    {
        var repository = new SqliteCallRepository(_database);
        var uuid = Guid.NewGuid().ToString();
        await repository.WriteAsync([Call(uuid, "started")], [], CancellationToken.None);
        await repository.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => repository.WriteAsync([Call(uuid, "answered")], [], CancellationToken.None));
        Assert.Equal("started", (await _repository.FindAsync(uuid, CancellationToken.None))?.Status);
    }
}
