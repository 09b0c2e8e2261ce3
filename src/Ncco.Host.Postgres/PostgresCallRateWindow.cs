using Microsoft.Extensions.Options;
using Ncco.Host.Configuration;
using Ncco.Host.Rest;
using Npgsql;

namespace Ncco.Host.Postgres;

/// <summary>
/// The outbound call rate window over every node: each call start is a row of <c>outbound_call_starts</c>, stamped
/// with the database's clock, and a start is admitted under a transaction-scoped advisory lock only if fewer than the
/// limit started within the window — so the account's limit holds across the cluster, whatever node the requests hit,
/// and the nodes' own clocks never need to agree. Rows older than the window are deleted as it slides.
/// </summary>
public sealed class PostgresCallRateWindow(IServiceProvider services, IOptions<NccoHostOptions> host) : ISharedCallRateWindow
{
    // Any constant shared by every node; distinct from the migration lock.
    private const long LockKey = 0x4E43434F_52415445; // "NCCORATE"

    /// <inheritdoc />
    public bool IsShared { get; } = host.Value.Store.Provider == StoreProvider.Postgres;

    /// <inheritdoc />
    public async ValueTask<TimeSpan?> TryAcquireAsync(int limit, TimeSpan window, CancellationToken cancellationToken)
    {
        var database = services.GetRequiredService<PostgresDatabase>();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var slide = new NpgsqlCommand("""
            SELECT pg_advisory_xact_lock(@key);
            DELETE FROM outbound_call_starts WHERE at <= clock_timestamp() - @window;
            """, connection, transaction))
        {
            slide.Parameters.Add(new NpgsqlParameter("key", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = LockKey });
            slide.Parameters.Add(new NpgsqlParameter("window", NpgsqlTypes.NpgsqlDbType.Interval) { Value = window });
            await slide.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        long count;
        double wait;
        await using (var read = new NpgsqlCommand("""
            SELECT count(*), COALESCE(EXTRACT(EPOCH FROM (min(at) + @window - clock_timestamp()))::float8, 0) FROM outbound_call_starts
            """, connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter("window", NpgsqlTypes.NpgsqlDbType.Interval) { Value = window });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            count = reader.GetInt64(0);
            wait = reader.GetDouble(1);
        }
        if (count >= limit)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return TimeSpan.FromSeconds(Math.Clamp(wait, 0, window.TotalSeconds));
        }
        await using var insert = new NpgsqlCommand("INSERT INTO outbound_call_starts (at) VALUES (clock_timestamp())", connection, transaction);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return null;
    }
}
