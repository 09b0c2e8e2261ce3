using Ncco.Host.Cluster;
using Ncco.Host.Postgres.Cluster;
using Ncco.Host.Postgres.Tests.Support;
using Npgsql;

namespace Ncco.Host.Postgres.Tests.Store;

/// <summary>
/// The conversation-host contract on PostgreSQL (a new database per test), and what only a cluster has to get right:
/// another live node sees the host; a dead host's claim is taken over by the next claimant, keeping the conversation
/// uuid; a node id restarted with a new incarnation never makes a conversation exist twice; claims and take-overs
/// racing from several nodes agree on one host.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresConversationHostTests(PostgresServer server) : ConversationHostContractTests
{
    private static readonly TimeSpan DeadAfter = TimeSpan.FromSeconds(10);

    protected override async Task<ConversationHostUnderTest> CreateAsync()
    {
        var cluster = await Cluster.StartAsync(server);
        return new ConversationHostUnderTest(await cluster.JoinAsync("node-a"), cluster.DisposeAsync);
    }

    [Fact]
    public async Task Another_live_node_sees_the_host_with_its_internal_url_and_cannot_release_it()
    {
        await using var cluster = await Cluster.StartAsync(server);
        var a = await cluster.JoinAsync("node-a");
        var b = await cluster.JoinAsync("node-b");

        var onA = await a.ClaimAsync("app", "room", "CON-a", default);
        var onB = await b.ClaimAsync("app", "room", "CON-b", default);

        Assert.Equal(new ConversationHost("node-a", "CON-a", new Uri("http://node-a.internal:8080/"), IsThisNode: true), onA);
        Assert.Equal(onA with { IsThisNode = false }, onB);
        Assert.False(await b.ReleaseAsync("app", "room", "CON-a", default));
        Assert.Equal("node-a", (await b.ClaimAsync("app", "room", "CON-b", default)).NodeId);
    }

    [Fact]
    public async Task A_dead_hosts_claim_is_taken_over_by_the_next_claimant_keeping_the_conversation_uuid()
    {
        await using var cluster = await Cluster.StartAsync(server);
        var a = await cluster.JoinAsync("node-a");
        var b = await cluster.JoinAsync("node-b");
        var c = await cluster.JoinAsync("node-c");
        await a.ClaimAsync("app", "room", "CON-a", default);

        await cluster.HeartbeatAgeAsync("node-a", DeadAfter + TimeSpan.FromSeconds(1));
        var onB = await b.ClaimAsync("app", "room", "CON-b", default);
        var onC = await c.ClaimAsync("app", "room", "CON-c", default);

        Assert.Equal(new ConversationHost("node-b", "CON-a", new Uri("http://node-b.internal:8080/"), IsThisNode: true), onB);
        Assert.Equal(onB with { IsThisNode = false }, onC);
        // The dead host's release (a late end on its side) no longer touches the claim.
        Assert.False(await a.ReleaseAsync("app", "room", "CON-a", default));
        Assert.Equal("node-b", (await c.ClaimAsync("app", "room", "CON-c", default)).NodeId);
    }

    [Fact]
    public async Task A_host_whose_heartbeat_is_only_late_keeps_its_claim()
    {
        await using var cluster = await Cluster.StartAsync(server);
        var a = await cluster.JoinAsync("node-a");
        var b = await cluster.JoinAsync("node-b");
        await a.ClaimAsync("app", "room", "CON-a", default);

        await cluster.HeartbeatAgeAsync("node-a", DeadAfter - TimeSpan.FromSeconds(3));

        Assert.Equal("node-a", (await b.ClaimAsync("app", "room", "CON-b", default)).NodeId);
    }

    [Fact]
    public async Task A_restarted_host_does_not_take_its_old_conversation_for_its_own_and_it_never_has_two_hosts()
    {
        await using var cluster = await Cluster.StartAsync(server);
        var a1 = await cluster.JoinAsync("node-a");
        var b = await cluster.JoinAsync("node-b");
        await a1.ClaimAsync("app", "taken-by-b", "CON-1", default);
        await a1.ClaimAsync("app", "taken-back", "CON-2", default);

        // node-a restarts (kill -9 and start again): incarnation 2, alive at once, its old claims are stale.
        var a2 = await cluster.JoinAsync("node-a");
        var byB = await b.ClaimAsync("app", "taken-by-b", "CON-x", default);
        var byA2 = await a2.ClaimAsync("app", "taken-by-b", "CON-y", default);
        var back = await a2.ClaimAsync("app", "taken-back", "CON-z", default);

        Assert.Equal(("node-b", "CON-1", true), (byB.NodeId, byB.ConversationId, byB.IsThisNode));
        Assert.Equal(("node-b", "CON-1", false), (byA2.NodeId, byA2.ConversationId, byA2.IsThisNode));
        Assert.Equal(("node-a", "CON-2", true), (back.NodeId, back.ConversationId, back.IsThisNode));
        // The first incarnation, were it still running somewhere, can neither release nor reclaim as its own.
        Assert.False(await a1.ReleaseAsync("app", "taken-back", "CON-2", default));
        Assert.False((await a1.ClaimAsync("app", "taken-back", "CON-w", default)).IsThisNode);
    }

    [Fact]
    public async Task Nodes_racing_for_free_and_stale_names_agree_on_one_host_per_name()
    {
        await using var cluster = await Cluster.StartAsync(server);
        var old = await cluster.JoinAsync("node-a");
        var names = Enumerable.Range(0, 12).Select(i => $"room-{i}").ToArray();
        // Half the names are held by node-a's first incarnation, which then restarts; half are free.
        foreach (var name in names.Take(6)) await old.ClaimAsync("app", name, "CON-old-" + name, default);
        var nodes = new[] { await cluster.JoinAsync("node-a"), await cluster.JoinAsync("node-b"), await cluster.JoinAsync("node-c") };

        var claims = await Task.WhenAll(names.SelectMany(name => nodes.Select(node =>
            Task.Run(async () => (name, node.ThisNode, host: await node.ClaimAsync("app", name, $"CON-{node.ThisNode}-{name}", default))))));

        foreach (var perName in claims.GroupBy(c => c.name))
        {
            var hosts = perName.Select(c => (c.host.NodeId, c.host.ConversationId)).Distinct().ToList();
            Assert.Single(hosts);
            Assert.Single(perName, c => c.host.IsThisNode);
            Assert.Equal(perName.Single(c => c.host.IsThisNode).ThisNode, hosts[0].NodeId);
            if (Array.IndexOf(names, perName.Key) < 6) Assert.Equal("CON-old-" + perName.Key, hosts[0].ConversationId);
        }
        Assert.Equal(names.Length, await cluster.CountClaimsAsync());
    }

    [Fact]
    public async Task A_node_that_has_not_joined_the_cluster_cannot_claim()
    {
        await using var cluster = await Cluster.StartAsync(server);
        var notJoined = new PostgresConversationHostDirectory(cluster.Database, "node-z", () => 0, DeadAfter);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => notJoined.ClaimAsync("app", "room", "CON-1", default));
        Assert.Contains("node-z has not joined", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await cluster.CountClaimsAsync());
    }

    /// <summary>
    /// A shared database and its <c>cluster_nodes</c> rows written as membership writes them, so a node's heartbeat can
    /// be aged and its id restarted without waiting for real time.
    /// </summary>
    private sealed class Cluster : IAsyncDisposable
    {
        private readonly List<PostgresDatabase> _nodes = [];

        private Cluster(PostgresDatabase database) => Database = database;

        public PostgresDatabase Database { get; }

        public static async Task<Cluster> StartAsync(PostgresServer server)
        {
            var database = new PostgresDatabase(await server.CreateDatabaseAsync());
            await database.MigrateAsync(default);
            return new Cluster(database);
        }

        /// <summary>Node <paramref name="nodeId"/> starts (its next incarnation), each node on its own connection pool.</summary>
        public async Task<PostgresConversationHostDirectory> JoinAsync(string nodeId)
        {
            await using var connection = await Database.OpenAsync(default);
            await using var register = new NpgsqlCommand("""
                INSERT INTO cluster_nodes (node_id, incarnation, internal_url, started_at, heartbeat_at)
                VALUES (@id, 1, @url, clock_timestamp(), clock_timestamp())
                ON CONFLICT (node_id) DO UPDATE SET incarnation = cluster_nodes.incarnation + 1, heartbeat_at = clock_timestamp()
                RETURNING incarnation
                """, connection);
            register.Parameters.AddWithValue("id", nodeId);
            register.Parameters.AddWithValue("url", $"http://{nodeId}.internal:8080/");
            var incarnation = (long)(await register.ExecuteScalarAsync())!;
            var own = new PostgresDatabase(connection.ConnectionString);
            _nodes.Add(own);
            return new PostgresConversationHostDirectory(own, nodeId, () => incarnation, DeadAfter);
        }

        /// <summary>Makes node <paramref name="nodeId"/>'s last heartbeat <paramref name="age"/> old.</summary>
        public async Task HeartbeatAgeAsync(string nodeId, TimeSpan age)
        {
            await using var connection = await Database.OpenAsync(default);
            await using var age_ = new NpgsqlCommand("UPDATE cluster_nodes SET heartbeat_at = clock_timestamp() - @age WHERE node_id = @id", connection);
            age_.Parameters.AddWithValue("age", age);
            age_.Parameters.AddWithValue("id", nodeId);
            Assert.Equal(1, await age_.ExecuteNonQueryAsync());
        }

        public async Task<long> CountClaimsAsync()
        {
            await using var connection = await Database.OpenAsync(default);
            await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM conversation_hosts", connection);
            return (long)(await count.ExecuteScalarAsync())!;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var node in _nodes) await node.DisposeAsync();
            await Database.DisposeAsync();
        }
    }
}
