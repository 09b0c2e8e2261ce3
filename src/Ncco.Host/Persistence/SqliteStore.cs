using Ncco.Host.Configuration;

namespace Ncco.Host.Persistence;

/// <summary>The SQLite provider's <see cref="INccoStore"/>: the file <c>ncco.db</c> in the data directory.</summary>
public sealed class SqliteStore(SqliteDatabase database) : INccoStore
{
    /// <inheritdoc />
    public StoreProvider Provider => StoreProvider.Sqlite;

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken) => database.MigrateAsync(cancellationToken);

    /// <inheritdoc />
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
