using Ncco.Host.Numbers;
using Ncco.Host.Postgres.Tests.Support;
using Npgsql;

namespace Ncco.Host.Postgres.Tests.Store;

/// <summary>
/// <see cref="PostgresDatabase"/> across a network cut (the <see cref="TcpCutter"/> FenceTests cut with: every link in
/// flight closed, new ones refused): the pooled connections open before the cut are all dead when it heals, and the
/// store must not fail an operation per dead connection afterwards (a heartbeat failing on one fenced a node once).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresReconnectTests(PostgresServer server)
{
    private const int Pooled = 4;

    [Fact]
    public async Task The_first_store_reads_after_a_cut_heals_succeed_on_a_pool_left_full_of_dead_connections()
    {
        var (cutter, database, numbers) = await StartAsync();
        await using var _ = cutter;
        await using var __ = database;
        var number = new AccountNumber("447700900123", "GB", null, DateTimeOffset.UnixEpoch);
        Assert.True(await numbers.AddAsync(number, default));
        await FillPoolAsync(database);

        cutter.Cut();
        cutter.Restore();

        // The very first operation after the heal, and every one after it: the read that met a dead connection ran again
        // on a fresh one, after the pool was cleared.
        for (var i = 0; i < Pooled + 2; i++) Assert.Equal(number, await numbers.FindAsync(number.Msisdn, default));
        Assert.True(database.PoolClears >= 1, "the pool was never cleared");
    }

    [Fact]
    public async Task Without_the_stores_handling_a_plain_pool_fails_its_first_queries_after_the_cut_heals()
    {
        // The control: what the cut does to a data source as Npgsql makes it, so the tests above test something.
        var connection = await server.CreateDatabaseAsync();
        await using var cutter = TcpCutter.InFrontOf(connection);
        await using var plain = NpgsqlDataSource.Create(cutter.Through(connection));
        var open = new List<NpgsqlConnection>();
        for (var i = 0; i < Pooled; i++) open.Add(await plain.OpenConnectionAsync());
        foreach (var c in open) await c.DisposeAsync();

        cutter.Cut();
        cutter.Restore();

        var failures = 0;
        for (var i = 0; i < Pooled + 2; i++)
        {
            try
            {
                await using var command = plain.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync();
            }
            catch (NpgsqlException)
            {
                failures++;
            }
        }
        Assert.True(failures >= 1, "a plain pool met no dead connection after the cut: the cut does not test what it should");
    }

    [Fact]
    public async Task After_a_cut_heals_an_operation_that_is_not_run_twice_fails_at_most_once_not_once_per_dead_connection()
    {
        var (cutter, database, numbers) = await StartAsync();
        await using var _ = cutter;
        await using var __ = database;
        await FillPoolAsync(database);

        cutter.Cut();
        cutter.Restore();

        // Adding a number is a write the store does not run twice; the first may meet a dead connection, which clears the
        // pool: none of the others may.
        var failures = new List<string>();
        for (var i = 0; i < Pooled + 2; i++)
        {
            try
            {
                await numbers.AddAsync(new AccountNumber("44770090020" + i, "GB", null, DateTimeOffset.UnixEpoch), default);
            }
            catch (NpgsqlException e)
            {
                failures.Add($"write {i}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(failures.Count <= 1, $"{failures.Count} writes failed after the heal:\n{string.Join('\n', failures)}");
        Assert.Equal(Pooled + 2 - failures.Count, (await numbers.ListAsync(new NumberQuery(null, null, null, null, 0, 0, 100), default)).Total);
    }

    [Fact]
    public async Task A_read_cut_while_the_link_is_down_fails_without_running_again_forever()
    {
        var (cutter, database, numbers) = await StartAsync();
        await using var _ = cutter;
        await using var __ = database;
        await FillPoolAsync(database);
        cutter.Cut();
        // Down for good: one more try on a fresh connection, which cannot open, and the caller hears of it.
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => numbers.FindAsync("447700900999", default));
        cutter.Restore();
        Assert.Null(await numbers.FindAsync("447700900999", default));
    }

    [Fact]
    public void Keepalives_are_added_only_where_the_connection_string_leaves_them_out()
    {
        var added = new NpgsqlConnectionStringBuilder(PostgresDatabase.WithKeepalives("Host=db;Database=ncco"));
        Assert.Equal((PostgresDatabase.DefaultKeepalive, true, PostgresDatabase.DefaultTcpKeepaliveTime, PostgresDatabase.DefaultTcpKeepaliveInterval),
            (added.KeepAlive, added.TcpKeepAlive, added.TcpKeepAliveTime, added.TcpKeepAliveInterval));
        var operators = new NpgsqlConnectionStringBuilder(PostgresDatabase.WithKeepalives("Host=db;Keepalive=0;Tcp Keepalive=false;Tcp Keepalive Time=0;Tcp Keepalive Interval=0"));
        Assert.Equal((0, false, 0, 0), (operators.KeepAlive, operators.TcpKeepAlive, operators.TcpKeepAliveTime, operators.TcpKeepAliveInterval));
        var spelledOtherwise = new NpgsqlConnectionStringBuilder(PostgresDatabase.WithKeepalives("Host=db;keepalive=3;TcpKeepAlive=false"));
        Assert.Equal((3, false), (spelledOtherwise.KeepAlive, spelledOtherwise.TcpKeepAlive));
    }

    private async Task<(TcpCutter Cutter, PostgresDatabase Database, PostgresNumberRepository Numbers)> StartAsync()
    {
        var connection = await server.CreateDatabaseAsync();
        var cutter = TcpCutter.InFrontOf(connection);
        var database = new PostgresDatabase(cutter.Through(connection));
        await new PostgresStore(database).MigrateAsync(default);
        return (cutter, database, new PostgresNumberRepository(database));
    }

    /// <summary>Leaves <see cref="Pooled"/> idle connections in the pool: opened together, returned together.</summary>
    private static async Task FillPoolAsync(PostgresDatabase database)
    {
        var open = new List<NpgsqlConnection>();
        for (var i = 0; i < Pooled; i++) open.Add(await database.OpenAsync(default));
        foreach (var connection in open)
        {
            await using var ping = new NpgsqlCommand("SELECT 1", connection);
            await ping.ExecuteScalarAsync();
        }
        foreach (var connection in open) await connection.DisposeAsync();
    }
}
