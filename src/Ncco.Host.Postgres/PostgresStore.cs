using Ncco.Host.Configuration;
using Ncco.Host.Persistence;
using Npgsql;

namespace Ncco.Host.Postgres;

/// <summary>The PostgreSQL provider's <see cref="INccoStore"/>.</summary>
public sealed class PostgresStore(PostgresDatabase database) : INccoStore
{
    /// <inheritdoc />
    public StoreProvider Provider => StoreProvider.Postgres;

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken) => database.MigrateAsync(cancellationToken);

    /// <inheritdoc />
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }
}
