using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Legs;
using Ncco.Host.Postgres.Cluster;
using Ncco.Host.Postgres.Tests.Support;
using Npgsql;

namespace Ncco.Host.Postgres.Tests.Cluster;

/// <summary>
/// A dead node's unfinished legs are ended by a live node on its own, once the node has been dead for
/// <c>DeadAfter</c> — no REST operation needed: the store reads them final, the application gets the final event
/// exactly once, and a node that sweeps the same legs again (or at the same time) ends nothing twice.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DeadNodeSweepTests(PostgresServer server)
{
    [Fact]
    public async Task A_live_node_ends_a_dead_nodes_legs_without_being_asked_and_tells_the_application_once()
    {
        var database = await server.CreateDatabaseAsync();
        await using var cutter = TcpCutter.InFrontOf(database);
        var throughCutter = cutter.Through(database);
        await using var events = await EventSink.StartAsync();
        var router = new HopRouter();
        await using var a = await ClusterNode.StartAsync(throughCutter, "node-a", router, configure: b => b.Services.ReplaceNccoLegTransport("phone", new AnsweringPhones()));
        await using var b = await ClusterNode.StartAsync(database, "node-b", router, configure: b => b.Services.ReplaceNccoLegTransport("phone", new AnsweringPhones()));
        await using var c = await ClusterNode.StartAsync(database, "node-c", router, configure: b => b.Services.ReplaceNccoLegTransport("phone", new AnsweringPhones()));
        var application = await TestApplication.CreateAsync(b, "swept", events.Url);

        var legs = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            legs.Add(await application.CallAsync(a, new
            {
                to = new[] { new { type = "phone", number = "44770090000" + i } },
                from = new { type = "phone", number = "447700900100" },
                ncco = new object[] { new { action = "conversation", name = "sweep-" + Guid.NewGuid().ToString("N") } },
            }));
        }
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        async Task<long> CountAsync(string where)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM calls WHERE uuid = ANY(@u) AND {where}", connection);
            count.Parameters.AddWithValue("u", legs.ToArray());
            return (long)(await count.ExecuteScalarAsync())!;
        }
        await Eventually.ReturnsAsync(() => CountAsync("status = 'answered' AND owner_node = 'node-a'"), n => n == legs.Count, "node-a's legs stored answered");

        // Node A dies (its port refuses, its heartbeat stops); nobody touches its legs.
        Assert.Equal(0, a.Membership.Fences);
        router.Down("node-a");
        cutter.Cut();
        var clock = Stopwatch.StartNew();
        await Eventually.ReturnsAsync(() => CountAsync("status = 'completed' AND end_time IS NOT NULL"), n => n == legs.Count,
            "node-a's legs ended by a live node", TimeSpan.FromSeconds(15));
        // Dead after 600 ms, swept every 100 ms: well within a few seconds even on a loaded machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the sweep took {clock.Elapsed}");
        // Node A, cut but not dead here, ended its calls itself just before and holds their final events (it cannot know
        // yet whether the sweep will end them); the sweep tells the application once per leg.
        Assert.Equal(1, a.Membership.Fences);
        var hold = a.Services.GetRequiredService<FinalEventHold>();
        foreach (var uuid in legs)
        {
            // A webhook on a machine busy with other suites can take seconds; exactly once is checked again below.
            var final = await Eventually.ReturnsAsync(() => Task.FromResult(events.StatusEvents(uuid, "completed")), e => e.Count == 1, "the final event of " + uuid,
                TimeSpan.FromSeconds(30));
            Assert.All(final, e => Assert.Equal("platform", e.GetProperty("disconnected_by").GetString()));
        }
        var sweepers = new[] { b, c }.Select(n => n.Services.GetRequiredService<DeadNodeSweeper>()).ToArray();
        // The sweep counts its legs once its round is over, a moment after their rows are ended.
        await Eventually.ReturnsAsync(() => Task.FromResult(sweepers.Sum(s => s.Ended)), n => n == legs.Count, "the sweeps counting node-a's legs");

        // Sweeping again, from both live nodes at once, ends nothing more and sends nothing more.
        var again = await Task.WhenAll(sweepers.Select(s => s.SweepAsync(CancellationToken.None)));
        Assert.Equal(0, again.Sum());
        // A leg that ended just as the cut began is held once its journal flush gives up (up to DeadAfter later).
        await Eventually.ReturnsAsync(() => Task.FromResult(hold.Holding), n => n == legs.Count, "node-a holding its legs' final events");

        // Node A comes back: the store says another node ended those legs (and announced them), so it drops what it held.
        cutter.Restore();
        await Eventually.ReturnsAsync(() => Task.FromResult(hold.Dropped), n => n == legs.Count, "node-a dropping the final events it held", TimeSpan.FromSeconds(15));
        Assert.Equal(0, hold.Sent);
        Assert.Equal(0, hold.Holding);
        await Task.Delay(ClusterNode.DeadAfter);
        foreach (var uuid in legs) Assert.Single(events.StatusEvents(uuid, "completed"));

        // Any node reads the legs final.
        using var get = new HttpRequestMessage(HttpMethod.Get, "/v1/calls/" + legs[0]);
        get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", application.Jwt());
        using var read = await c.Client.SendAsync(get);
        Assert.Equal("completed", (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_live_nodes_legs_and_this_nodes_own_legs_are_never_swept()
    {
        var database = await server.CreateDatabaseAsync();
        var router = new HopRouter();
        await using var a = await ClusterNode.StartAsync(database, "node-a", router, configure: b => b.Services.ReplaceNccoLegTransport("phone", new AnsweringPhones()));
        await using var b = await ClusterNode.StartAsync(database, "node-b", router);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            // An unfinished leg of live node-a and one of node-b itself (crash recovery's business, not the sweep's).
            await using var insert = new NpgsqlCommand("""
                INSERT INTO calls (uuid, application_id, conversation_uuid, direction, status, to_type, to_key, to_value, created_at, owner_node)
                VALUES ('live-a', 'app', 'conv-a', 'inbound', 'answered', 'phone', '', '1', 0, 'node-a'),
                       ('own-b', 'app', 'conv-b', 'inbound', 'answered', 'phone', '', '2', 0, 'node-b')
                """, connection);
            await insert.ExecuteNonQueryAsync();
        }
        var sweeper = b.Services.GetRequiredService<DeadNodeSweeper>();
        await Task.Delay(ClusterNode.DeadAfter * 2);
        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));
        Assert.Equal(0, sweeper.Ended);
    }
}
