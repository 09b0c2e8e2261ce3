using Microsoft.Data.Sqlite;

namespace Ncco.Host.Persistence;

/// <summary>
/// The embedded default store: one SQLite file, schema migrations applied in order at startup and recorded in
/// <c>schema_version</c>, WAL journaling so readers never block the writer.
/// </summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;

    /// <summary>A database reached through <paramref name="connectionString"/> (a shared in-memory name works for tests).</summary>
    public SqliteDatabase(string connectionString) => _connectionString = connectionString;

    /// <summary>A database in the file <paramref name="path"/>.</summary>
    public static SqliteDatabase AtPath(string path) =>
        new(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Cache = SqliteCacheMode.Shared }.ToString());

    /// <summary>Opens a connection.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Applies every migration newer than the stored schema version.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);", cancellationToken);

        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        var current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

        foreach (var (version, sql) in Migrations.All)
        {
            if (version <= current) continue;
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, sql, cancellationToken, transaction);
            await ExecuteAsync(connection, $"INSERT INTO schema_version (version) VALUES ({version})", cancellationToken, transaction);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
