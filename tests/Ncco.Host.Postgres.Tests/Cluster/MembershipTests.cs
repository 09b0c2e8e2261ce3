using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ncco.Host.Auth;
using Ncco.Host.Calls;
using Ncco.Host.Postgres.Cluster;
using Ncco.Host.Postgres.Tests.Support;
using Npgsql;

namespace Ncco.Host.Postgres.Tests.Cluster;

/// <summary>
/// Two real hosts on one PostgreSQL database: they share state and credentials, see each other through heartbeats, a
/// node that loses the database stops taking new calls (readiness, SIP 503) and the other sees it dead, each start is a
/// new incarnation.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MembershipTests(PostgresServer server, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Two_nodes_share_applications_and_credentials_and_see_each_other_alive()
    {
        var database = await server.CreateDatabaseAsync();
        await using var a = await ClusterNode.StartAsync(database, "node-a");
        await using var b = await ClusterNode.StartAsync(database, "node-b");

        Assert.Equal(a.Services.GetRequiredService<AccountCredentials>(), b.Services.GetRequiredService<AccountCredentials>());
        var members = await b.Membership.MembersAsync(default);
        Assert.Equal(["node-a", "node-b"], members.Select(m => m.NodeId));
        Assert.All(members, m => Assert.True(m.IsAlive));
        Assert.All(members, m => Assert.Equal(1, m.Incarnation));
        Assert.Equal(new Uri("http://node-a.internal:8080/"), members[0].InternalUrl);

        using var created = await a.Client.PostAsJsonAsync("/v2/applications", new { name = "shared app" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var read = await b.Client.GetAsync($"/v2/applications/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("shared app", (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());

        // Heartbeats keep both alive well past the dead-after time.
        await Task.Delay(ClusterNode.DeadAfter * 2);
        Assert.All(await a.Membership.MembersAsync(default), m => Assert.True(m.IsAlive));
        Assert.True(a.Membership.Heartbeats > 0);
    }

    [Fact]
    public async Task A_call_created_on_one_node_names_its_owner_in_the_store_before_the_201_and_any_node_reads_it()
    {
        var database = await server.CreateDatabaseAsync();
        // Node B reads a live leg of node A through A (forwarding), so their internal hops must reach each other.
        var router = new HopRouter();
        await using var a = await ClusterNode.StartAsync(database, "node-a", router);
        await using var b = await ClusterNode.StartAsync(database, "node-b", router);
        var keys = Applications.KeyPair.Generate();
        using var created = await b.Client.PostAsJsonAsync("/v2/applications", new
        {
            name = "calls",
            keys = new { public_key = keys.PublicKeyPem },
            capabilities = new { voice = new { webhooks = new { event_url = new { address = "http://127.0.0.1:9/events", http_method = "POST" } } } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var applicationId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var jwt = Operations.ApplicationJwtIssuer.Create(keys.PrivateKeyPem, applicationId, DateTimeOffset.UtcNow);

        using var create = new HttpRequestMessage(HttpMethod.Post, "/v1/calls")
        {
            Content = JsonContent.Create(new
            {
                to = new[] { new { type = "phone", number = "447700900001" } },
                from = new { type = "phone", number = "447700900000" },
                ncco = new[] { new { action = "talk", text = "hello" } },
            }),
        };
        create.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", jwt);
        using var response = await a.Client.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var uuid = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("uuid").GetString()!;

        // No waiting: the row was in the shared store before the 201.
        var owner = await b.Membership.OwnerOfAsync(uuid, default);
        Assert.NotNull(owner);
        Assert.Equal("node-a", owner.NodeId);
        Assert.True(owner.IsAlive);
        Assert.Equal(new Uri("http://node-a.internal:8080/"), owner.InternalUrl);
        Assert.Null(await b.Membership.OwnerOfAsync(Guid.NewGuid().ToString(), default));

        using var read = new HttpRequestMessage(HttpMethod.Get, $"/v1/calls/{uuid}");
        read.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Operations.ApplicationJwtIssuer.Create(keys.PrivateKeyPem, applicationId, DateTimeOffset.UtcNow));
        using var fromB = await b.Client.SendAsync(read);
        Assert.Equal(HttpStatusCode.OK, fromB.StatusCode);
        Assert.Equal(uuid, (await fromB.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("uuid").GetString());
    }

    [Fact]
    public async Task A_node_that_cannot_reach_the_database_refuses_new_calls_and_is_dead_to_the_others_until_it_reaches_it_again()
    {
        var database = await server.CreateDatabaseAsync();
        var builder = new NpgsqlConnectionStringBuilder(database);
        await using var cutter = new TcpCutter(new IPEndPoint(IPAddress.Loopback, builder.Port));
        var throughCutter = new NpgsqlConnectionStringBuilder(database) { Port = cutter.Port }.ToString();
        await using var a = await ClusterNode.StartAsync(throughCutter, "node-a", sip: true);
        await using var b = await ClusterNode.StartAsync(database, "node-b");

        Assert.Equal((HttpStatusCode.OK, "Healthy"), await a.ReadinessAsync());
        Assert.Equal(404, await a.InviteAsync());

        cutter.Cut();
        await Eventually.ReturnsAsync(a.ReadinessAsync, r => r.Admission == "Unhealthy", "node-a suspending admission");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await a.ReadinessAsync()).Status);
        Assert.False(a.Services.GetRequiredService<NodeAdmission>().TakesNewCalls);
        Assert.Equal(503, await a.InviteAsync());
        // In one reading: node-a dead, node-b alive (node-b's own heartbeat, 100 ms apart against a 600 ms DeadAfter, may be
        // late for a moment on a starved machine: seen so in 1 of 10 runs at load 70).
        await Eventually.ReturnsAsync(() => b.Membership.MembersAsync(default),
            m => !m.Single(n => n.NodeId == "node-a").IsAlive && m.Single(n => n.NodeId == "node-b").IsAlive, "node-b seeing node-a dead and itself alive");

        cutter.Restore();
        await Eventually.ReturnsAsync(a.ReadinessAsync, r => r.Admission == "Healthy", "node-a taking calls again");
        Assert.Equal(404, await a.InviteAsync());
        await Eventually.ReturnsAsync(() => b.Membership.MembersAsync(default), m => m.Single(n => n.NodeId == "node-a").IsAlive, "node-b seeing node-a alive");
        // Cut long enough to be dead to the others, it ended its calls (it had none) and rejoined as a new incarnation.
        // How many times is not fixed, and that is right: a heartbeat has one interval (100 ms here) to answer, and a
        // node whose beats have not been confirmed for FenceAfter (500 ms) must fence, because a beat that timed out may
        // not have landed and the others then take the node for dead — the node cannot tell a starved beat from a cut
        // one, and fencing late (media going on under a record the sweep made final) is what fencing exists to prevent.
        // So on a starved machine (load above 30 on two cores) the beats after the restore may time out for FenceAfter
        // again and fence once more (a full run of this project saw incarnation 3). What is exact: the cut fenced at least
        // once, and every fence was followed by exactly one rejoin — the store's incarnation is one more than the fences.
        var (fences, incarnation) = await Eventually.ReturnsAsync(async () =>
            {
                var fenced = a.Membership.Fences;
                var stored = (await b.Membership.MembersAsync(default)).Single(n => n.NodeId == "node-a");
                return (Fences: fenced, Incarnation: stored.IsAlive && a.Membership.Fences == fenced && a.Membership.Incarnation == stored.Incarnation ? stored.Incarnation : -1);
            },
            f => f.Incarnation == f.Fences + 1, "node-a rejoined once after each fence");
        output.WriteLine($"node-a fenced {fences} time(s) and is incarnation {incarnation}");
        Assert.True(fences >= 1, $"node-a never fenced ({fences})");
    }

    [Fact]
    public async Task A_rejoin_that_landed_but_whose_answer_was_lost_is_taken_as_this_nodes_own_by_the_next_try()
    {
        // A rejoin can commit and its answer never arrive (on a starved machine the heartbeat's one-interval timeout cancels
        // the wait). Made so here in a fixed order: node-a is cut until it has fenced and tries to rejoin; the test lands that
        // rejoin for it (the next incarnation, with the stamp its tries write) and restores the link. The next try must take
        // that incarnation as its own: it read as a newer process holding the id, and the node stopped taking calls for good.
        var database = await server.CreateDatabaseAsync();
        await using var cutter = TcpCutter.InFrontOf(database);
        await using var a = await ClusterNode.StartAsync(cutter.Through(database), "node-a");
        Assert.Equal(1, a.Membership.Incarnation);

        cutter.Cut();
        var stamp = await Eventually.ReturnsAsync(() => Task.FromResult(a.Membership.RejoinStamp), s => s is not null, "node-a fenced and trying to rejoin");
        Assert.Equal(1, a.Membership.Fences);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var land = new NpgsqlCommand("""
                UPDATE cluster_nodes SET incarnation = incarnation + 1, started_at = @stamp, heartbeat_at = clock_timestamp()
                WHERE node_id = 'node-a' AND incarnation = 1
                """, connection);
            land.Parameters.AddWithValue("stamp", stamp!.Value);
            Assert.Equal(1, await land.ExecuteNonQueryAsync());
        }
        cutter.Restore();

        await Eventually.ReturnsAsync(a.ReadinessAsync, r => r.Admission == "Healthy", "node-a taking calls again as the incarnation its lost rejoin wrote");
        // Incarnation 2, the one the lost try wrote (or, should a starved heartbeat fence it again meanwhile, one more per fence).
        var (fences, incarnation) = await Eventually.ReturnsAsync(() => Task.FromResult((Fences: a.Membership.Fences, Incarnation: a.Membership.Incarnation)),
            f => f.Incarnation == f.Fences + 1, "node-a holding one incarnation more than its fences");
        output.WriteLine($"node-a fenced {fences} time(s) and is incarnation {incarnation}");
    }

    [Fact]
    public async Task A_stopped_node_is_dead_at_once_and_comes_back_as_a_new_incarnation()
    {
        var database = await server.CreateDatabaseAsync();
        await using var b = await ClusterNode.StartAsync(database, "node-b");
        await using (var a = await ClusterNode.StartAsync(database, "node-a"))
        {
            Assert.Equal(1, a.Membership.Incarnation);
            await a.StopAsync();
            // No waiting for DeadAfter: a graceful stop says so.
            Assert.False((await b.Membership.MembersAsync(default)).Single(n => n.NodeId == "node-a").IsAlive);
        }

        await using var again = await ClusterNode.StartAsync(database, "node-a");
        Assert.Equal(2, again.Membership.Incarnation);
        var members = await b.Membership.MembersAsync(default);
        Assert.True(members.Single(n => n.NodeId == "node-a").IsAlive);
        Assert.Equal(2, members.Single(n => n.NodeId == "node-a").Incarnation);
    }

    [Fact]
    public async Task A_second_process_with_the_same_node_id_makes_the_older_one_stop_taking_calls()
    {
        var database = await server.CreateDatabaseAsync();
        await using var first = await ClusterNode.StartAsync(database, "node-a");
        await using var second = await ClusterNode.StartAsync(database, "node-a");

        Assert.Equal(2, second.Membership.Incarnation);
        await Eventually.ReturnsAsync(first.ReadinessAsync, r => r.Admission == "Unhealthy", "the older node-a suspending admission");
        Assert.Contains("registered again by a newer process", first.Services.GetRequiredService<NodeAdmission>().SuspendedBecause, StringComparison.Ordinal);
        await Task.Delay(ClusterNode.HeartbeatInterval * 3);
        Assert.Equal("Healthy", (await second.ReadinessAsync()).Admission);
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_or_without_the_provider_stops_the_start_naming_the_setting()
    {
        var noConnection = await ClusterNode.BuildAsync("", "node-a", sip: false);
        await using (noConnection)
        {
            var e = await Assert.ThrowsAsync<OptionsValidationException>(() => noConnection.StartAsync());
            Assert.Contains("Ncco:Store:ConnectionString is empty", e.Message, StringComparison.Ordinal);
        }

        var badCluster = await ClusterNode.BuildAsync(await server.CreateDatabaseAsync(), "node a!", sip: false, "--Ncco:Cluster:DeadAfter=00:00:00.150",
            "--Ncco:Cluster:HandoffLifetime=00:00:00.500");
        await using (badCluster)
        {
            var e = await Assert.ThrowsAsync<OptionsValidationException>(() => badCluster.StartAsync());
            Assert.Contains("Ncco:Cluster:NodeId 'node a!' is not valid", e.Message, StringComparison.Ordinal);
            Assert.Contains("Ncco:Cluster:DeadAfter is 00:00:00.1500000: it must be at least twice", e.Message, StringComparison.Ordinal);
            Assert.Contains("Ncco:Cluster:HandoffLifetime is 00:00:00.5000000: it must be between 1 second and 10 minutes", e.Message, StringComparison.Ordinal);
        }

        var builder = WebApplication.CreateBuilder(["--Ncco:Store:Provider=Postgres", "--Ncco:Store:ConnectionString=Host=127.0.0.1", "--Ncco:Sip:Enabled=false",
            $"--Ncco:DataDirectory={Directory.CreateTempSubdirectory("ncco-node-").FullName}"]);
        builder.AddNccoHost();
        await using var withoutProvider = builder.Build();
        var missing = await Assert.ThrowsAsync<InvalidOperationException>(() => withoutProvider.UseNccoHostAsync());
        Assert.Contains("call builder.AddNccoPostgres()", missing.Message, StringComparison.Ordinal);
    }
}
