using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ncco.Host.Auth;
using Ncco.Host.Configuration;
using Ncco.Host.Postgres.Tests.Support;
using Ncco.Host.Rest;
using Npgsql;

namespace Ncco.Host.Postgres.Tests.Cluster;

/// <summary>The outbound call rate limit and JWT replay rejection count across the nodes of one database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterLimitsTests(PostgresServer server)
{
    [Fact]
    public async Task The_call_rate_window_is_shared_by_every_node_and_says_when_a_slot_frees_up()
    {
        var database = await server.CreateDatabaseAsync();
        await using var a = await ClusterNode.StartAsync(database, "node-a");
        await using var b = await ClusterNode.StartAsync(database, "node-b");
        var windowOfA = a.Services.GetRequiredService<ISharedCallRateWindow>();
        var windowOfB = b.Services.GetRequiredService<ISharedCallRateWindow>();
        Assert.True(windowOfA.IsShared);
        var minute = TimeSpan.FromMinutes(1);

        Assert.Null(await windowOfA.TryAcquireAsync(3, minute, default));
        Assert.Null(await windowOfB.TryAcquireAsync(3, minute, default));
        Assert.Null(await windowOfA.TryAcquireAsync(3, minute, default));
        var wait = await windowOfB.TryAcquireAsync(3, minute, default);
        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromSeconds(30), minute);
        Assert.NotNull(await windowOfA.TryAcquireAsync(3, minute, default));
        // A refusal counts nothing: a larger limit still sees three starts.
        Assert.Null(await windowOfA.TryAcquireAsync(4, minute, default));
        Assert.NotNull(await windowOfB.TryAcquireAsync(4, minute, default));
    }

    [Fact]
    public async Task Post_calls_on_one_node_is_refused_429_when_the_cluster_used_the_accounts_rate()
    {
        var database = await server.CreateDatabaseAsync();
        await using var a = await ClusterNode.StartAsync(database, "node-a", router: null,
            configure: builder => builder.Configuration["Ncco:Calls:RateLimitPerSecond"] = "2");
        Assert.Equal(2, a.Services.GetRequiredService<IOptions<NccoHostOptions>>().Value.Calls.RateLimitPerSecond);
        var (applicationId, keys) = await CreateApplicationAsync(a);
        // Two starts on other nodes, stamped ahead of the database's clock so the window cannot slide past them however
        // slow this machine is.
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var fill = new NpgsqlCommand("INSERT INTO outbound_call_starts (at) SELECT clock_timestamp() + interval '3 seconds' FROM generate_series(1, 2)", connection);
            await fill.ExecuteNonQueryAsync();
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/calls")
        {
            Content = JsonContent.Create(new
            {
                to = new[] { new { type = "phone", number = "447700900001" } },
                from = new { type = "phone", number = "447700900000" },
                ncco = new[] { new { action = "talk", text = "hello" } },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Operations.ApplicationJwtIssuer.Create(keys.PrivateKeyPem, applicationId, DateTimeOffset.UtcNow));
        using var response = await a.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_jwt_used_on_one_node_is_refused_as_replayed_on_the_other()
    {
        var database = await server.CreateDatabaseAsync();
        await using var a = await ClusterNode.StartAsync(database, "node-a", router: null,
            configure: builder => builder.Configuration["Ncco:Auth:RejectReplayedTokens"] = "true");
        await using var b = await ClusterNode.StartAsync(database, "node-b", router: null,
            configure: builder => builder.Configuration["Ncco:Auth:RejectReplayedTokens"] = "true");
        Assert.IsType<PostgresJtiReplayStore>(a.Services.GetRequiredService<IJtiReplayStore>());
        var (applicationId, keys) = await CreateApplicationAsync(a);
        var jwt = Operations.ApplicationJwtIssuer.Create(keys.PrivateKeyPem, applicationId, DateTimeOffset.UtcNow);

        Assert.Equal(HttpStatusCode.OK, await ListAsync(a, jwt));
        Assert.Equal(HttpStatusCode.Unauthorized, await ListAsync(b, jwt));
        Assert.Equal(HttpStatusCode.Unauthorized, await ListAsync(a, jwt));
        Assert.Equal(HttpStatusCode.OK, await ListAsync(b, Operations.ApplicationJwtIssuer.Create(keys.PrivateKeyPem, applicationId, DateTimeOffset.UtcNow)));
    }

    [Fact]
    public async Task With_the_sqlite_store_the_replay_store_stays_in_memory()
    {
        await using var app = await ClusterNode.BuildAsync("Host=unused", "solo", false, "--Ncco:Store:Provider=Sqlite");
        Assert.IsType<JtiReplayCache>(app.Services.GetRequiredService<IJtiReplayStore>());
        Assert.False(app.Services.GetRequiredService<ISharedCallRateWindow>().IsShared);
    }

    private static async Task<HttpStatusCode> ListAsync(ClusterNode node, string jwt)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/calls");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        using var response = await node.Client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<(string Id, Applications.KeyPair Keys)> CreateApplicationAsync(ClusterNode node)
    {
        var keys = Applications.KeyPair.Generate();
        using var created = await node.Client.PostAsJsonAsync("/v2/applications", new
        {
            name = "limits",
            keys = new { public_key = keys.PublicKeyPem },
            capabilities = new { voice = new { webhooks = new { event_url = new { address = "http://127.0.0.1:9/events", http_method = "POST" } } } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return ((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, keys);
    }
}
