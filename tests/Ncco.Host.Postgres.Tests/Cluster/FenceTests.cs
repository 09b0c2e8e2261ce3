using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Calls;
using Ncco.Host.Legs;
using Ncco.Host.Postgres.Cluster;
using Ncco.Host.Postgres.Tests.Support;
using Npgsql;

namespace Ncco.Host.Postgres.Tests.Cluster;

/// <summary>
/// A node cut from the database (not dead): it refuses new calls at once (SIP INVITE and OPTIONS 503, REST 503), ends
/// its own calls before the others can sweep them, and once back rejoins as a new incarnation without rewriting what
/// the sweep stored. A node back from an outage judges no one until the database has been back for <c>DeadAfter</c>.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FenceTests(PostgresServer server)
{
    [Fact]
    public async Task A_node_cut_from_the_database_ends_its_own_calls_and_rejoins_as_a_new_incarnation_without_rewriting_the_swept_records()
    {
        var database = await server.CreateDatabaseAsync();
        await using var cutter = TcpCutter.InFrontOf(database);
        var throughCutter = cutter.Through(database);
        await using var events = await EventSink.StartAsync();
        var router = new HopRouter();
        await using var a = await ClusterNode.StartAsync(throughCutter, "node-a", router, sip: true, configure: b => b.Services.ReplaceNccoLegTransport("phone", new AnsweringPhones()));
        await using var b = await ClusterNode.StartAsync(database, "node-b", router);
        var application = await TestApplication.CreateAsync(b, "fenced", events.Url);
        async Task<HttpResponseMessage> CreateCallAsync(ClusterNode node, int i)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/calls")
            {
                Content = JsonContent.Create(new
                {
                    to = new[] { new { type = "phone", number = "44770090001" + i } },
                    from = new { type = "phone", number = "447700900100" },
                    ncco = new object[] { new { action = "conversation", name = "fence-" + Guid.NewGuid().ToString("N") } },
                }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", application.Jwt());
            return await node.Client.SendAsync(request);
        }
        var legs = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            legs.Add(await application.CallAsync(a, new
            {
                to = new[] { new { type = "phone", number = "44770090001" + i } },
                from = new { type = "phone", number = "447700900100" },
                ncco = new object[] { new { action = "conversation", name = "fence-" + Guid.NewGuid().ToString("N") } },
            }));
        }
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        async Task<List<(string Status, long? End)>> RowsAsync()
        {
            await using var read = new NpgsqlCommand("SELECT status, end_time FROM calls WHERE uuid = ANY(@u) ORDER BY uuid", connection);
            read.Parameters.AddWithValue("u", legs.ToArray());
            var rows = new List<(string, long?)>();
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1)));
            return rows;
        }
        await Eventually.ReturnsAsync(RowsAsync, r => r.Count == legs.Count && r.All(x => x.Status == "answered"), "node-a's legs stored answered");
        Assert.Equal(0, a.Membership.Fences);
        var live = a.Services.GetRequiredService<ILiveCalls>();
        Assert.Equal(legs.Count, live.ActiveLegCount);
        Assert.Equal(200, await a.OptionsAsync());

        // Cut: no new calls at once, whatever the way in.
        cutter.Cut();
        await Eventually.ReturnsAsync(a.ReadinessAsync, r => r.Admission == "Unhealthy", "node-a suspending admission");
        Assert.Equal(503, await a.InviteAsync());
        Assert.Equal(503, await a.OptionsAsync());
        using (var refused = await CreateCallAsync(a, 9)) Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);

        // Before the others may sweep it, the node ends its own calls: media and store agree.
        await Eventually.ReturnsAsync(() => Task.FromResult(live.ActiveLegCount), n => n == 0, "node-a ending its calls");
        Assert.Equal(1, a.Membership.Fences);
        // Their final events are held: node-a cannot tell yet whether the others will end those legs (and announce them).
        var hold = a.Services.GetRequiredService<FinalEventHold>();
        await Eventually.ReturnsAsync(() => Task.FromResult(hold.Holding), n => n == legs.Count, "node-a holding the final events of its legs");

        // The others see it dead and end its legs in the store.
        var sweeper = b.Services.GetRequiredService<DeadNodeSweeper>();
        var swept = await Eventually.ReturnsAsync(RowsAsync, r => r.All(x => x.Status == "completed" && x.End is not null), "node-b's sweep ending node-a's legs");
        // The sweep counts its legs once its round is over, a moment after their rows are ended.
        await Eventually.ReturnsAsync(() => Task.FromResult(sweeper.Ended), n => n == legs.Count, "node-b's sweep counting node-a's legs");
        // Still cut: still refusing, and still the first incarnation.
        Assert.Equal(503, await a.InviteAsync());
        Assert.Equal(1, a.Membership.Incarnation);

        // Back: a new incarnation, taking calls again; its late writes of the ended legs change nothing.
        cutter.Restore();
        await Eventually.ReturnsAsync(a.ReadinessAsync, r => r.Admission == "Healthy", "node-a taking calls again");
        Assert.Equal(2, a.Membership.Incarnation);
        await a.Services.GetRequiredService<CallJournal>().FlushAsync(CancellationToken.None);
        Assert.Equal(swept, await RowsAsync());
        // The sweep ended the legs, so the sweep's final event is the one the application gets: node-a drops its own.
        await Eventually.ReturnsAsync(() => Task.FromResult(hold.Dropped), n => n == legs.Count, "node-a dropping the final events it held");
        Assert.Equal(0, hold.Sent);
        foreach (var uuid in legs) Assert.Single(events.StatusEvents(uuid, "completed"));
        var members = await b.Membership.MembersAsync(default);
        Assert.True(members.Single(n => n.NodeId == "node-a").IsAlive, $"node-a is dead to node-b after rejoining: {members.Single(n => n.NodeId == "node-a")}; fences {a.Membership.Fences}");
        Assert.Equal(2, members.Single(n => n.NodeId == "node-a").Incarnation);
        Assert.Equal(200, await a.OptionsAsync());
        var uuidAgain = await application.CallAsync(a, new
        {
            to = new[] { new { type = "phone", number = "447700900013" } },
            from = new { type = "phone", number = "447700900100" },
            ncco = new object[] { new { action = "conversation", name = "fence-" + Guid.NewGuid().ToString("N") } },
        });
        var owner = await b.Membership.OwnerOfAsync(uuidAgain, default);
        Assert.Equal("node-a", owner?.NodeId);
        Assert.True(owner?.IsAlive);
        Assert.Equal(1, a.Membership.Fences);
    }

    [Fact]
    public async Task A_node_back_before_the_others_judged_it_sends_the_final_events_it_held_once()
    {
        var database = await server.CreateDatabaseAsync();
        await using var cutter = TcpCutter.InFrontOf(database);
        await using var events = await EventSink.StartAsync();
        var router = new HopRouter();
        // node-a fences after 500 ms without the database; node-b takes a node for dead only after 20 s, so node-a is
        // back long before anyone sweeps its legs: the reconnect-in-time case, made certain on a loaded machine.
        await using var a = await ClusterNode.StartAsync(cutter.Through(database), "node-a", router, configure: b => b.Services.ReplaceNccoLegTransport("phone", new AnsweringPhones()));
        await using var b = await ClusterNode.StartAsync(database, "node-b", router,
            configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Ncco:Cluster:DeadAfter"] = "00:00:20" }));
        var application = await TestApplication.CreateAsync(b, "held", events.Url);
        var legs = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            legs.Add(await application.CallAsync(a, new
            {
                to = new[] { new { type = "phone", number = "44770090002" + i } },
                from = new { type = "phone", number = "447700900100" },
                ncco = new object[] { new { action = "conversation", name = "held-" + Guid.NewGuid().ToString("N") } },
            }));
        }
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        async Task<List<(string Status, string? EndedBy)>> RowsAsync()
        {
            await using var read = new NpgsqlCommand("SELECT status, ended_by FROM calls WHERE uuid = ANY(@u) ORDER BY uuid", connection);
            read.Parameters.AddWithValue("u", legs.ToArray());
            var rows = new List<(string, string?)>();
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
            return rows;
        }
        await Eventually.ReturnsAsync(RowsAsync, r => r.Count == legs.Count && r.All(x => x.Status == "answered"), "node-a's legs stored answered");

        cutter.Cut();
        var live = a.Services.GetRequiredService<ILiveCalls>();
        await Eventually.ReturnsAsync(() => Task.FromResult(live.ActiveLegCount), n => n == 0, "node-a ending its calls");
        var hold = a.Services.GetRequiredService<FinalEventHold>();
        await Eventually.ReturnsAsync(() => Task.FromResult(hold.Holding), n => n == legs.Count, "node-a holding the final events of its legs");
        // Held, not sent: the application hears nothing yet.
        await Task.Delay(ClusterNode.HeartbeatInterval * 3);
        foreach (var uuid in legs) Assert.Empty(events.StatusEvents(uuid, "completed"));

        cutter.Restore();
        await Eventually.ReturnsAsync(() => Task.FromResult(hold.Sent), n => n == legs.Count, "node-a sending the final events it held", TimeSpan.FromSeconds(15));
        Assert.Equal(0, hold.Dropped);
        foreach (var uuid in legs)
        {
            var final = await Eventually.ReturnsAsync(() => Task.FromResult(events.StatusEvents(uuid, "completed")), e => e.Count >= 1, "the final event of " + uuid);
            Assert.Equal("platform", Assert.Single(final).GetProperty("disconnected_by").GetString());
        }
        // node-a's own write ended the legs, so no sweep can end (and announce) them again: a row's end is written once.
        Assert.All(await RowsAsync(), r => Assert.Equal(("completed", "node-a"), r));
        // The event joined the leg's history once it was really sent.
        await using (var history = new NpgsqlCommand("SELECT count(*) FROM call_events WHERE call_uuid = ANY(@u) AND kind = 'completed'", connection))
        {
            history.Parameters.AddWithValue("u", legs.ToArray());
            await Eventually.ReturnsAsync(async () => (long)(await history.ExecuteScalarAsync())!, n => n == legs.Count, "the held events in the legs' history");
        }
        await Task.Delay(ClusterNode.DeadAfter);
        foreach (var uuid in legs) Assert.Single(events.StatusEvents(uuid, "completed"));
    }

    [Fact]
    public async Task A_node_briefly_cut_keeps_its_calls_and_its_incarnation()
    {
        var database = await server.CreateDatabaseAsync();
        await using var cutter = TcpCutter.InFrontOf(database);
        var throughCutter = cutter.Through(database);
        // A long lease (5 s) against a cut of well under a second, however slow the machine.
        await using var a = await ClusterNode.StartAsync(throughCutter, "node-a", null,
            configure: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Ncco:Cluster:DeadAfter"] = "00:00:05" }));

        cutter.Cut();
        await Eventually.ReturnsAsync(a.ReadinessAsync, r => r.Admission == "Unhealthy", "node-a suspending admission");
        cutter.Restore();
        await Eventually.ReturnsAsync(a.ReadinessAsync, r => r.Admission == "Healthy", "node-a taking calls again");
        // Only a cut that reaches the fence ends calls: this one (detected within about two intervals) did not.
        Assert.Equal(0, a.Membership.Fences);
        Assert.Equal(1, a.Membership.Incarnation);
    }

    [Fact]
    public async Task After_losing_the_database_a_node_judges_no_one_until_it_has_been_back_for_DeadAfter()
    {
        var database = await server.CreateDatabaseAsync();
        await using var cutter = TcpCutter.InFrontOf(database);
        var throughCutter = cutter.Through(database);
        await using var b = await ClusterNode.StartAsync(throughCutter, "node-b");
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            // node-x stopped heartbeating a minute ago and left a leg unfinished.
            await using var insert = new NpgsqlCommand("""
                INSERT INTO cluster_nodes (node_id, incarnation, internal_url, started_at, heartbeat_at)
                VALUES ('node-x', 1, 'http://node-x.internal:8080/', clock_timestamp() - interval '2 minutes', clock_timestamp() - interval '1 minute');
                INSERT INTO calls (uuid, application_id, conversation_uuid, direction, status, to_type, to_key, to_value, created_at, owner_node)
                VALUES ('left-x', 'app', 'conv-x', 'inbound', 'answered', 'phone', '', '1', 0, 'node-x');
                """, connection);
            await insert.ExecuteNonQueryAsync();
        }
        cutter.Cut();
        var sweeper = b.Services.GetRequiredService<DeadNodeSweeper>();
        await Eventually.ReturnsAsync(() => Task.FromResult(b.Membership.DatabaseReachableFor), t => t == TimeSpan.Zero, "node-b noticing the cut");
        Assert.Equal(0, sweeper.Ended);

        cutter.Restore();
        var back = Stopwatch.StartNew();
        await Eventually.ReturnsAsync(() => Task.FromResult(b.Membership.DatabaseReachableFor), t => t > TimeSpan.Zero, "node-b reaching the database again");
        await Eventually.ReturnsAsync(() => Task.FromResult(sweeper.Ended), n => n == 1, "node-b ending node-x's leg once the grace is over");
        Assert.True(back.Elapsed >= ClusterNode.DeadAfter, $"node-x's leg was ended {back.Elapsed} after the database came back");
    }
}
