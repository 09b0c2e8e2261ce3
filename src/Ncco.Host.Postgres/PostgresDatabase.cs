using System.Data;
using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace Ncco.Host.Postgres;

/// <summary>
/// The shared PostgreSQL database: a pooled <see cref="NpgsqlDataSource"/> and the schema migrations
/// (<see cref="PostgresMigrations"/>), applied once per process and serialised across nodes by a transaction-scoped
/// advisory lock, so nodes starting together never apply a migration twice.
/// <para>
/// Across a network cut: every pooled connection open during the cut is dead when the link comes back, and the pool
/// would hand each one out once more (each failing one operation: a heartbeat, a fence). So the data source checks
/// idle connections itself (<c>Keepalive</c> and TCP keepalives, unless the connection string sets them), the whole
/// pool is cleared on the first connection-level failure seen (an open that fails, a connection that breaks), and the
/// operations safe to run twice (<see cref="RetryingAsync{TState, T}"/>: reads, the heartbeat) run once more on a fresh
/// connection when theirs broke. docs/cluster.md, "A cut from the database".
/// </para>
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    /// <summary>The advisory lock key that serialises migrations (any constant the application uses for nothing else).</summary>
    private const long MigrationLock = 0x4E63636F_00000001;

    private readonly NpgsqlDataSource _source;
    private readonly SemaphoreSlim _migrating = new(1, 1);
    private volatile bool _migrated;

    /// <summary>Seconds an idle connection waits before Npgsql checks it with a keepalive query, unless set.</summary>
    internal const int DefaultKeepalive = 10;

    /// <summary>Seconds before the first TCP keepalive probe on a silent connection, unless set (the OS default is 2 h).</summary>
    internal const int DefaultTcpKeepaliveTime = 10;

    /// <summary>Seconds between TCP keepalive probes, unless set.</summary>
    internal const int DefaultTcpKeepaliveInterval = 2;

    private readonly StateChangeEventHandler _onStateChange;
    private long _poolClears;

    /// <summary>A database reached through the Npgsql <paramref name="connectionString"/>.</summary>
    public PostgresDatabase(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _source = NpgsqlDataSource.Create(WithKeepalives(connectionString));
        _onStateChange = OnStateChange;
    }

    /// <summary>How many times the pool was cleared after a connection-level failure.</summary>
    public long PoolClears => Interlocked.Read(ref _poolClears);

    /// <summary>
    /// <paramref name="connectionString"/> with the keepalives this store relies on to find dead idle connections, each
    /// only where the connection string does not set it: an operator's value always wins.
    /// </summary>
    internal static string WithKeepalives(string connectionString)
    {
        // The typed builder knows every keyword; the keys the string itself names (any spelling: "Tcp Keepalive",
        // "TcpKeepAlive") come from the untyped one.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("KEEPALIVE")) builder.KeepAlive = DefaultKeepalive;
        if (!given.Contains("TCPKEEPALIVE")) builder.TcpKeepAlive = true;
        if (!given.Contains("TCPKEEPALIVETIME")) builder.TcpKeepAliveTime = DefaultTcpKeepaliveTime;
        if (!given.Contains("TCPKEEPALIVEINTERVAL")) builder.TcpKeepAliveInterval = DefaultTcpKeepaliveInterval;
        return builder.ConnectionString;
    }

    /// <summary>Opens a pooled connection.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection connection;
        try
        {
            connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e) when (e is not PostgresException)
        {
            // The server is out of reach: the idle connections were opened before and are likely dead too.
            ClearPool();
            throw;
        }
        connection.StateChange += _onStateChange;
        return connection;
    }

    /// <summary>
    /// Runs <paramref name="operation"/> on a pooled connection and, when that connection broke under it (the link,
    /// not the server, failed: a dead idle connection left by a network cut), once more on a fresh connection after
    /// clearing the pool. Only for operations safe to run twice: a read, or a write whose second run changes nothing
    /// the first did not (a heartbeat). A server error, a timeout or cancellation is never run again.
    /// </summary>
    /// <typeparam name="TState">What <paramref name="operation"/> needs (passed, so a static lambda allocates no closure).</typeparam>
    /// <typeparam name="T">The operation's result.</typeparam>
    public async Task<T> RetryingAsync<TState, T>(TState state, Func<NpgsqlConnection, TState, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        for (var attempt = 1; ; attempt++)
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await operation(connection, state, cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException e) when (attempt == 1 && IsBrokenLink(e, connection) && !cancellationToken.IsCancellationRequested)
            {
                ClearPool();
            }
            finally
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether <paramref name="e"/> on <paramref name="connection"/> is the link failing, not the server or a timeout.</summary>
    internal static bool IsBrokenLink(NpgsqlException e, NpgsqlConnection connection) =>
        e is not PostgresException
        && e.InnerException is not TimeoutException
        && (connection.FullState.HasFlag(ConnectionState.Broken) || e.InnerException is IOException or SocketException or EndOfStreamException);

    private void OnStateChange(object? sender, StateChangeEventArgs e)
    {
        // A connection broke (Npgsql already took it out of the pool): the others opened before the failure are likely
        // dead too. Npgsql closes the idle ones now and the busy ones when they are returned.
        if (sender is NpgsqlConnection connection && connection.FullState.HasFlag(ConnectionState.Broken)) ClearPool();
    }

    private void ClearPool()
    {
        Interlocked.Increment(ref _poolClears);
        _source.Clear();
    }

    /// <summary>Applies every migration newer than the stored schema version; later calls return at once.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (_migrated) return;
        await _migrating.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_migrated) return;
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({MigrationLock})", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", cancellationToken).ConfigureAwait(false);
            await using var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection, transaction);
            var current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (version, sql) in PostgresMigrations.All)
            {
                if (version <= current) continue;
                await ExecuteAsync(connection, transaction, sql, cancellationToken).ConfigureAwait(false);
                await ExecuteAsync(connection, transaction, $"INSERT INTO schema_version (version) VALUES ({version})", cancellationToken).ConfigureAwait(false);
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _migrated = true;
        }
        finally
        {
            _migrating.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync().ConfigureAwait(false);
        _migrating.Dispose();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, (NpgsqlTransaction)transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
