using Ncco.Host.Persistence;
using Ncco.Host.Recordings;
using Npgsql;

namespace Ncco.Host.Postgres;

/// <summary>
/// Recording rows in PostgreSQL (times as Unix milliseconds, like calls). The files stay in the recordings directory;
/// for any node to serve them, that directory must be shared.
/// </summary>
public sealed class PostgresRecordingRepository(PostgresDatabase database) : IRecordingRepository
{
    private const string Columns = StoreRows.RecordingColumns;

    /// <inheritdoc />
    public async Task AddAsync(RecordingInfo recording, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recording);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // SQLite's INSERT OR REPLACE: a row written again (a recording adopted after a crash) replaces the first.
        await using var command = new NpgsqlCommand($"""
            INSERT INTO recordings ({Columns}) VALUES (@id, @app, @conv, @leg, @kind, @type, @size, @created)
            ON CONFLICT (file_id) DO UPDATE SET application_id = EXCLUDED.application_id, conversation_uuid = EXCLUDED.conversation_uuid,
                leg_uuid = EXCLUDED.leg_uuid, kind = EXCLUDED.kind, content_type = EXCLUDED.content_type, size_bytes = EXCLUDED.size_bytes,
                created_at = EXCLUDED.created_at
            """, connection);
        command.Text("id", recording.FileId);
        command.Text("app", recording.ApplicationId);
        command.Text("conv", recording.ConversationUuid);
        command.Text("leg", recording.LegUuid);
        command.Text("kind", StoreRows.RecordingKindName(recording.Kind));
        command.Text("type", recording.ContentType);
        command.Bigint("size", recording.SizeBytes);
        command.Bigint("created", recording.CreatedAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<RecordingInfo?> FindAsync(string fileId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM recordings WHERE file_id = @id", connection);
        command.Text("id", fileId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? StoreRows.ReadRecording(reader) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RecordingInfo>> ListAsync(string? applicationId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var where = applicationId is null ? "" : "WHERE application_id = @app ";
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM recordings {where}ORDER BY created_at DESC, seq DESC LIMIT @limit", connection);
        if (applicationId is not null) command.Text("app", applicationId);
        command.Integer("limit", limit);
        var rows = new List<RecordingInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) rows.Add(StoreRows.ReadRecording(reader));
        return rows;
    }
}
