using Ncco.Host.Postgres.Tests.Support;

namespace Ncco.Host.Postgres.Tests.Store;

/// <summary>
/// The store contract on PostgreSQL (a new database per test on the run's private server), and what only a shared
/// database has to get right: nodes migrating and generating credentials at the same moment, each node recovering
/// only its own calls, text PostgreSQL cannot hold.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresServer server) : StoreContractTests
{
    protected override async Task<StoreUnderTest> CreateAsync()
    {
        var connection = await server.CreateDatabaseAsync();
        var database = new PostgresDatabase(connection);
        var others = new List<PostgresDatabase>();
        var store = new PostgresStore(database);
        await store.MigrateAsync(default);
        return new StoreUnderTest(store, new PostgresApplicationRepository(database, TimeProvider.System), new PostgresCallRepository(database, "node-a"),
            new PostgresRecordingRepository(database), new PostgresSipBindingRepository(database), new PostgresNumberRepository(database), new PostgresAccountCredentialsStore(database),
            () =>
            {
                var other = new PostgresDatabase(connection);
                others.Add(other);
                return new PostgresAccountCredentialsStore(other);
            },
            async () =>
            {
                foreach (var other in others) await other.DisposeAsync();
                await database.DisposeAsync();
            });
    }

    [Fact]
    public async Task Nodes_starting_together_migrate_once_and_agree_on_one_set_of_credentials()
    {
        var connection = await server.CreateDatabaseAsync();
        var nodes = Enumerable.Range(0, 4).Select(_ => new PostgresDatabase(connection)).ToList();
        try
        {
            // Each credential load migrates first, so this is both races at once.
            var loaded = await Task.WhenAll(nodes.Select(n => new PostgresAccountCredentialsStore(n).LoadAsync(new Configuration.AccountOptions(), default)));
            Assert.Single(loaded.Distinct());
            await using var check = new Npgsql.NpgsqlConnection(connection);
            await check.OpenAsync();
            await using var versions = new Npgsql.NpgsqlCommand("SELECT COUNT(*), COUNT(DISTINCT version) FROM schema_version", check);
            await using var reader = await versions.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(reader.GetInt64(1), reader.GetInt64(0));
            Assert.Equal(PostgresMigrations.All.Count, reader.GetInt64(0));
        }
        finally
        {
            foreach (var n in nodes) await n.DisposeAsync();
        }
    }

    [Fact]
    public async Task Each_node_recovers_only_its_own_unfinished_calls_while_every_node_reads_them_all()
    {
        var connection = await server.CreateDatabaseAsync();
        await using var database = new PostgresDatabase(connection);
        await database.MigrateAsync(default);
        var a = new PostgresCallRepository(database, "node-a");
        var b = new PostgresCallRepository(database, "node-b");
        var t0 = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
        await a.WriteAsync([Call("on-a", "app", t0)], [new("on-a", t0.AddSeconds(4), "started", null)], default);
        await b.WriteAsync([Call("on-b", "app", t0.AddSeconds(1))], [new("on-b", t0.AddSeconds(9), "started", null)], default);

        Assert.Equal(["on-a"], (await a.ListUnfinishedAsync(default)).Select(c => c.Uuid));
        Assert.Equal(["on-b"], (await b.ListUnfinishedAsync(default)).Select(c => c.Uuid));
        Assert.Equal(t0.AddSeconds(4), await a.LastActivityAsync(default));
        Assert.Equal(t0.AddSeconds(9), await b.LastActivityAsync(default));
        Assert.NotNull(await a.FindAsync("on-b", default));
        Assert.Equal(2, (await b.ListAsync("app", new Calls.CallQuery(), default)).Total);
    }

    [Fact]
    public async Task A_nul_character_is_stored_as_the_replacement_character_instead_of_failing_the_batch()
    {
        await using var s = await CreateAsync();
        var call = Call("nul", "app", DateTimeOffset.UnixEpoch) with { To = Calls.CallParty.Of("phone", "4477\u00009") };
        await s.Calls.WriteAsync([call], [new("nul", DateTimeOffset.UnixEpoch, "started", "{\"x\":\"a\0b\"}")], default);

        Assert.Equal("4477\uFFFD9", (await s.Calls.FindAsync("nul", default))!.To.Value);
        Assert.Equal("{\"x\":\"a\uFFFDb\"}", (await s.Calls.EventsAsync("nul", default)).Single().Payload);
    }
}
