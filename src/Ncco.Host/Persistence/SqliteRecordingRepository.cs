using Microsoft.Data.Sqlite;
using Ncco.Host.Recordings;

namespace Ncco.Host.Persistence;

/// <summary>Recording rows in SQLite (times as Unix milliseconds, like calls).</summary>
public sealed class SqliteRecordingRepository(SqliteDatabase database) : IRecordingRepository
{
    private const string Columns = StoreRows.RecordingColumns;

    /// <inheritdoc />
    public async Task AddAsync(RecordingInfo recording, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recording);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT OR REPLACE INTO recordings ({Columns}) VALUES ($id, $app, $conv, $leg, $kind, $type, $size, $created)";
        command.Parameters.AddWithValue("$id", recording.FileId);
        command.Parameters.AddWithValue("$app", recording.ApplicationId);
        command.Parameters.AddWithValue("$conv", recording.ConversationUuid);
        command.Parameters.AddWithValue("$leg", (object?)recording.LegUuid ?? DBNull.Value);
        command.Parameters.AddWithValue("$kind", StoreRows.RecordingKindName(recording.Kind));
        command.Parameters.AddWithValue("$type", recording.ContentType);
        command.Parameters.AddWithValue("$size", recording.SizeBytes);
        command.Parameters.AddWithValue("$created", recording.CreatedAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<RecordingInfo?> FindAsync(string fileId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM recordings WHERE file_id = $id";
        command.Parameters.AddWithValue("$id", fileId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? StoreRows.ReadRecording(reader) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RecordingInfo>> ListAsync(string? applicationId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = applicationId is null ? "" : "WHERE application_id = $app ";
        command.CommandText = $"SELECT {Columns} FROM recordings {where}ORDER BY created_at DESC, rowid DESC LIMIT $limit";
        if (applicationId is not null) command.Parameters.AddWithValue("$app", applicationId);
        command.Parameters.AddWithValue("$limit", limit);
        var rows = new List<RecordingInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) rows.Add(StoreRows.ReadRecording(reader));
        return rows;
    }
}
