using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Cluster;
using Ncco.Host.Legs;
using Ncco.Host.Postgres.Tests.Support;
using Ncco.Legs;
using Npgsql;

namespace Ncco.Host.Postgres.Tests.Cluster;

/// <summary>
/// Two real hosts on one PostgreSQL database, their internal hops routed in memory (<see cref="HopRouter"/>): REST
/// operations on a leg that one node runs, sent to the other, reach the owner over the signed hop and return its
/// answer; a dead owner's leg reads final and refuses control at once; forged or stale hops are refused.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ForwardingTests(PostgresServer server)
{
    private sealed record Cluster(ClusterNode A, ClusterNode B, HopRouter Router, AnsweringPhones PhonesOfA, string ApplicationId, Applications.KeyPair Keys) : IAsyncDisposable
    {
        public string Jwt() => Operations.ApplicationJwtIssuer.Create(Keys.PrivateKeyPem, ApplicationId, DateTimeOffset.UtcNow);

        public async Task<HttpResponseMessage> SendAsync(ClusterNode node, HttpMethod method, string path, object? body = null, string? jwt = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null) request.Content = JsonContent.Create(body);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt ?? Jwt());
            return await node.Client.SendAsync(request);
        }

        public async ValueTask DisposeAsync()
        {
            await B.DisposeAsync();
            await A.DisposeAsync();
        }
    }

    private async Task<Cluster> StartAsync()
    {
        var database = await server.CreateDatabaseAsync();
        return await StartWithAsync(database, database);
    }

    /// <summary>A call created on node A that stays up (a conversation), answered by <see cref="AnsweringPhones"/>.</summary>
    private static async Task<string> CallOnAAsync(Cluster cluster)
    {
        using var response = await cluster.SendAsync(cluster.A, HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900001" } },
            from = new { type = "phone", number = "447700900000" },
            ncco = new object[] { new { action = "conversation", name = "room-" + Guid.NewGuid().ToString("N") } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var uuid = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("uuid").GetString()!;
        await Eventually.ReturnsAsync(() => cluster.SendAsync(cluster.A, HttpMethod.Get, "/v1/calls/" + uuid).ContinueWith(t => t.Result.Content.ReadFromJsonAsync<JsonElement>()).Unwrap(),
            call => call.GetProperty("status").GetString() == "answered", "the call answered on node-a");
        return uuid;
    }

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task Get_and_every_control_operation_sent_to_the_other_node_reach_the_owner_and_return_its_answer()
    {
        await using var cluster = await StartAsync();
        var uuid = await CallOnAAsync(cluster);
        var phone = Assert.Single(cluster.PhonesOfA.Legs);

        using (var get = await cluster.SendAsync(cluster.B, HttpMethod.Get, "/v1/calls/" + uuid))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal("answered", (await JsonOf(get)).GetProperty("status").GetString());
        }
        Assert.Contains(cluster.Router.Forwarded, f => f is { Node: "node-a", Path: var p } && f.Method == HttpMethod.Get && p == "/v1/calls/" + uuid);

        using (var talk = await cluster.SendAsync(cluster.B, HttpMethod.Put, $"/v1/calls/{uuid}/talk", new { text = "forwarded words" }))
        {
            Assert.Equal(HttpStatusCode.OK, talk.StatusCode);
            var body = await JsonOf(talk);
            Assert.Equal("Talk started", body.GetProperty("message").GetString());
            Assert.Equal(uuid, body.GetProperty("uuid").GetString());
        }
        Assert.Contains(phone.Played, p => p.Text == "forwarded words");

        using (var stream = await cluster.SendAsync(cluster.B, HttpMethod.Put, $"/v1/calls/{uuid}/stream", new { stream_url = new[] { "https://example.com/forwarded.mp3" } }))
        {
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        }
        Assert.Contains(phone.Played, p => p.Url == new Uri("https://example.com/forwarded.mp3"));

        using (var dtmf = await cluster.SendAsync(cluster.B, HttpMethod.Put, $"/v1/calls/{uuid}/dtmf", new { digits = "1234#" }))
        {
            Assert.Equal(HttpStatusCode.OK, dtmf.StatusCode);
            Assert.Equal("DTMF sent", (await JsonOf(dtmf)).GetProperty("message").GetString());
        }
        Assert.Contains(phone.Played, p => p.Text == "1234#");

        using (var mute = await cluster.SendAsync(cluster.B, HttpMethod.Put, "/v1/calls/" + uuid, new { action = "mute" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, mute.StatusCode);
        }
        using (var transfer = await cluster.SendAsync(cluster.B, HttpMethod.Put, "/v1/calls/" + uuid, new
        {
            action = "transfer",
            destination = new { type = "ncco", ncco = new object[] { new { action = "talk", text = "transferred through node b" }, new { action = "conversation", name = "after" } } },
        }))
        {
            Assert.Equal(HttpStatusCode.NoContent, transfer.StatusCode);
        }
        await Eventually.ReturnsAsync(() => Task.FromResult(phone.Played.ToArray()), played => played.Any(p => p.Text == "transferred through node b"), "the transferred NCCO speaking on node-a");

        // The owner's validation answers, naming the field, as it would locally.
        using (var bad = await cluster.SendAsync(cluster.B, HttpMethod.Put, $"/v1/calls/{uuid}/talk", new { text = 42 }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("text", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Another application's JWT is checked by the entry node, and the owner hides the leg from it.
        var other = Applications.KeyPair.Generate();
        using var otherCreated = await cluster.B.Client.PostAsJsonAsync("/v2/applications", new { name = "other", keys = new { public_key = other.PublicKeyPem } });
        var otherId = (await JsonOf(otherCreated)).GetProperty("id").GetString()!;
        var otherJwt = Operations.ApplicationJwtIssuer.Create(other.PrivateKeyPem, otherId, DateTimeOffset.UtcNow);
        using (var hidden = await cluster.SendAsync(cluster.B, HttpMethod.Put, $"/v1/calls/{uuid}/talk", new { text = "not yours" }, otherJwt))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        }
        Assert.DoesNotContain(phone.Played, p => p.Text == "not yours");
        using (var unauthenticated = await cluster.B.Client.PutAsJsonAsync($"/v1/calls/{uuid}/talk", new { text = "anonymous" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        }

        using (var hangup = await cluster.SendAsync(cluster.B, HttpMethod.Put, "/v1/calls/" + uuid, new { action = "hangup" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, hangup.StatusCode);
        }
        var ended = await Eventually.ReturnsAsync(async () => await JsonOf(await cluster.SendAsync(cluster.B, HttpMethod.Get, "/v1/calls/" + uuid)),
            call => call.GetProperty("status").GetString() == "completed", "the call completed, read through node-b");
        Assert.True(ended.TryGetProperty("end_time", out _));
        Assert.True(phone.HungUp);

        // Once the leg has ended, control sent to node-b is refused (404), as on the node that ran it.
        using (var late = await cluster.SendAsync(cluster.B, HttpMethod.Put, $"/v1/calls/{uuid}/talk", new { text = "too late" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);
        }
    }

    [Fact]
    public async Task A_dead_owners_leg_reads_final_from_any_node_and_refuses_control_at_once()
    {
        var database = await server.CreateDatabaseAsync();
        await using var cutter = TcpCutter.InFrontOf(database);
        var throughCutter = cutter.Through(database);
        await using var cluster = await StartWithAsync(database, throughCutter);
        var uuid = await CallOnAAsync(cluster);
        // The journal has stored the leg answered (the row node-b will find).
        await Eventually.ReturnsAsync(async () => await JsonOf(await cluster.SendAsync(cluster.B, HttpMethod.Get, "/v1/calls/" + uuid)),
            call => call.GetProperty("status").GetString() == "answered", "the answered leg read through node-b");

        // Node A dies as a killed process looks from outside: its port refuses connections at once and its heartbeat stops.
        cluster.Router.Down("node-a");
        var clock = Stopwatch.StartNew();
        using (var refused = await cluster.SendAsync(cluster.B, HttpMethod.Put, $"/v1/calls/{uuid}/talk", new { text = "anyone?" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.Contains("node-a", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"control of a leg on a refusing node answered in {clock.Elapsed}");
        using (var stale = await cluster.SendAsync(cluster.B, HttpMethod.Get, "/v1/calls/" + uuid))
        {
            Assert.Equal("answered", (await JsonOf(stale)).GetProperty("status").GetString());
        }

        cutter.Cut();
        await Eventually.ReturnsAsync(() => cluster.B.Membership.MembersAsync(default), m => !m.Single(n => n.NodeId == "node-a").IsAlive, "node-b seeing node-a dead");
        // node-b judges node-a only outside its grace after an outage of its own (a heartbeat of its own that timed out on
        // a loaded machine counts): until then GET reads the last stored state.
        var final = await Eventually.ReturnsAsync(async () => await JsonOf(await cluster.SendAsync(cluster.B, HttpMethod.Get, "/v1/calls/" + uuid)),
            call => call.GetProperty("status").GetString() == "completed", "node-b reading node-a's leg final");
        Assert.True(final.TryGetProperty("end_time", out _));
        using (var control = await cluster.SendAsync(cluster.B, HttpMethod.Put, "/v1/calls/" + uuid, new { action = "hangup" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, control.StatusCode);
            Assert.Contains("dead", await control.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var list = await cluster.SendAsync(cluster.B, HttpMethod.Get, "/v1/calls?status=completed");
        Assert.Contains((await JsonOf(list)).GetProperty("_embedded").GetProperty("calls").EnumerateArray(), c => c.GetProperty("uuid").GetString() == uuid);
        // Ended once, in the store, with the platform as the one who hung up.
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM calls WHERE uuid = @u AND end_time IS NOT NULL", connection);
        count.Parameters.AddWithValue("u", uuid);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Right_after_its_own_outage_a_node_forwards_to_an_owner_that_looks_dead_instead_of_ending_its_leg()
    {
        var database = await server.CreateDatabaseAsync();
        await using var cutter = TcpCutter.InFrontOf(database);
        // node-b judges with a 5 s lease, so its grace after an outage is long enough to act within on a loaded machine.
        var router = new HopRouter();
        await using var b = await ClusterNode.StartAsync(cutter.Through(database), "node-b", router,
            configure: builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Ncco:Cluster:DeadAfter"] = "00:00:05" }));
        var application = await TestApplication.CreateAsync(b, "grace", "http://127.0.0.1:9/events");
        // node-x runs leg x-1 and answers its hop, but its last heartbeat in the store is a minute old: what every node
        // looks like right after an outage of the database, before its next heartbeat lands.
        var owner = new LiveOwner();
        router.Add("node-x", owner);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO cluster_nodes (node_id, incarnation, internal_url, started_at, heartbeat_at)
            VALUES ('node-x', 1, 'http://node-x.internal:8080/', clock_timestamp() - interval '2 minutes', clock_timestamp() - interval '1 minute');
            INSERT INTO calls (uuid, application_id, conversation_uuid, direction, status, to_type, to_key, to_value, created_at, start_time, owner_node)
            VALUES ('3f1d8a52-0000-4000-8000-0000000000a1', @app, 'conv-x', 'inbound', 'answered', 'phone', '', '1', 0, 0, 'node-x');
            """, connection))
        {
            insert.Parameters.AddWithValue("app", application.Id);
            await insert.ExecuteNonQueryAsync();
        }
        const string leg = "3f1d8a52-0000-4000-8000-0000000000a1";
        async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, object? body = null)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null) request.Content = JsonContent.Create(body);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", application.Jwt());
            using var response = await b.Client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        async Task<long?> EndOfLegAsync()
        {
            await using var read = new NpgsqlCommand("SELECT end_time FROM calls WHERE uuid = @u", connection);
            read.Parameters.AddWithValue("u", leg);
            return await read.ExecuteScalarAsync() is long end ? end : null;
        }

        // node-b's own link to the database goes away and comes back.
        cutter.Cut();
        await Eventually.ReturnsAsync(() => Task.FromResult(b.Membership.DatabaseReachableFor), t => t == TimeSpan.Zero, "node-b noticing the cut");
        cutter.Restore();
        await Eventually.ReturnsAsync(() => Task.FromResult(b.Membership.DatabaseReachableFor), t => t > TimeSpan.Zero, "node-b reaching the database again");
        var back = Stopwatch.StartNew();

        // In its grace node-b does not judge node-x: GET and PUT go to node-x, which answers; the leg stays live in the store.
        var get = await SendAsync(HttpMethod.Get, "/v1/calls/" + leg);
        var put = await SendAsync(HttpMethod.Put, "/v1/calls/" + leg, new { action = "mute" });
        var inGrace = back.Elapsed;
        Assert.True(inGrace < TimeSpan.FromSeconds(5), $"the requests took {inGrace}: past the grace, the test proves nothing");
        Assert.Equal((HttpStatusCode.OK, "answered-by-node-x"), (get.Status, JsonDocument.Parse(get.Body).RootElement.GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.NoContent, put.Status);
        Assert.Equal(2, owner.Requests);
        Assert.Null(await EndOfLegAsync());

        // Once node-b has been back for DeadAfter, node-x (still silent in the store) is dead to it: the leg is ended and
        // control answers 404 at once, without asking node-x. (A heartbeat of node-b's that times out on a loaded machine
        // starts its grace again, hence the polling.)
        await Eventually.ReturnsAsync(() => SendAsync(HttpMethod.Get, "/v1/calls/" + leg),
            r => JsonDocument.Parse(r.Body).RootElement.GetProperty("status").GetString() == "completed", "node-b ending node-x's leg once its grace is over",
            TimeSpan.FromSeconds(30));
        Assert.NotNull(await EndOfLegAsync());
        var control = await Eventually.ReturnsAsync(() => SendAsync(HttpMethod.Put, "/v1/calls/" + leg, new { action = "mute" }), r => r.Status == HttpStatusCode.NotFound,
            "control of the dead owner's leg refused", TimeSpan.FromSeconds(30));
        Assert.Contains("dead", control.Body, StringComparison.Ordinal);
    }

    /// <summary>A node that answers the hop as a live owner would: its GET reads <c>answered-by-node-x</c>, control gets 204.</summary>
    private sealed class LiveOwner : HttpMessageHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return Task.FromResult(request.Method == HttpMethod.Get
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(new { status = "answered-by-node-x" }) }
                : new HttpResponseMessage(HttpStatusCode.NoContent));
        }
    }

    private async Task<Cluster> StartWithAsync(string database, string connectionOfA)
    {
        var router = new HopRouter();
        var phones = new AnsweringPhones();
        var a = await ClusterNode.StartAsync(connectionOfA, "node-a", router, configure: b => b.Services.ReplaceNccoLegTransport("phone", phones));
        var b = await ClusterNode.StartAsync(database, "node-b", router, configure: b => b.Services.ReplaceNccoLegTransport("phone", new AnsweringPhones()));
        var keys = Applications.KeyPair.Generate();
        using var created = await b.Client.PostAsJsonAsync("/v2/applications", new
        {
            name = "forwarded",
            keys = new { public_key = keys.PublicKeyPem },
            capabilities = new { voice = new { webhooks = new { event_url = new { address = "http://127.0.0.1:9/events", http_method = "POST" } } } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return new Cluster(a, b, router, phones, (await JsonOf(created)).GetProperty("id").GetString()!, keys);
    }

    [Fact]
    public async Task A_forged_or_stale_hop_is_refused_and_a_signed_one_is_accepted()
    {
        await using var cluster = await StartAsync();
        var uuid = await CallOnAAsync(cluster);
        var hop = cluster.B.Services.GetRequiredService<ClusterHop>();
        var body = Encoding.UTF8.GetBytes("""{"text":"signed"}""");

        HttpRequestMessage Hop(string path, byte[] content)
        {
            var request = new HttpRequestMessage(HttpMethod.Put, "http://node-a.internal" + path) { Content = new ByteArrayContent(content) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return request;
        }

        using (var signed = Hop($"/v1/calls/{uuid}/talk", body))
        {
            hop.Sign(signed, cluster.ApplicationId, body);
            using var accepted = await cluster.A.Client.SendAsync(signed);
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
        using (var tampered = Hop($"/v1/calls/{uuid}/talk", """{"text":"tampered"}"""u8.ToArray()))
        {
            hop.Sign(tampered, cluster.ApplicationId, body);
            using var refused = await cluster.A.Client.SendAsync(tampered);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("signature", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var forged = Hop($"/v1/calls/{uuid}/talk", body))
        {
            forged.Headers.Add(ClusterHop.ApplicationHeader, cluster.ApplicationId);
            forged.Headers.Add(ClusterHop.TimeHeader, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
            forged.Headers.Add(ClusterHop.SignatureHeader, new string('0', 64));
            using var refused = await cluster.A.Client.SendAsync(forged);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        var staleSigner = new ClusterHop(cluster.A.Services.GetRequiredService<Auth.AccountCredentials>(), new FixedClock(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5)));
        using (var stale = Hop($"/v1/calls/{uuid}/talk", body))
        {
            staleSigner.Sign(stale, cluster.ApplicationId, body);
            using var refused = await cluster.A.Client.SendAsync(stale);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("clock", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var phone = Assert.Single(cluster.PhonesOfA.Legs);
        Assert.Contains(phone.Played, p => p.Text == "signed");
        Assert.DoesNotContain(phone.Played, p => p.Text == "tampered");
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
