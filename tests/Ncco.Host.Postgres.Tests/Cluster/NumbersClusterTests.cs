using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Numbers;
using Ncco.Host.Postgres.Tests.Support;

namespace Ncco.Host.Postgres.Tests.Cluster;

/// <summary>
/// The Numbers API on a PostgreSQL store: what one node's API changes, every node's API and number lookup sees at once
/// (nothing is cached per node), and refusals are the same 420s as on SQLite.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class NumbersClusterTests(PostgresServer server)
{
    private const string Msisdn = "447700900123";

    [Fact]
    public async Task A_number_bought_linked_and_cancelled_through_one_node_is_seen_by_the_other_at_once()
    {
        var database = await server.CreateDatabaseAsync();
        await using var a = await ClusterNode.StartAsync(database, "node-a");
        await using var b = await ClusterNode.StartAsync(database, "node-b");
        var lookup = b.Services.GetRequiredService<INumberRepository>();
        Assert.IsType<PostgresNumberRepository>(lookup);

        await AssertSuccessAsync(await PostAsync(a, "/number/buy", ("country", "GB"), ("msisdn", "+" + Msisdn)));
        var listed = await ListAsync(b);
        Assert.Equal(1, listed.GetProperty("count").GetInt32());
        var number = Assert.Single(listed.GetProperty("numbers").EnumerateArray());
        Assert.Equal(Msisdn, number.GetProperty("msisdn").GetString());
        Assert.Equal("GB", number.GetProperty("country").GetString());
        Assert.False(number.TryGetProperty("app_id", out _));
        Assert.Null((await lookup.FindAsync(Msisdn, default))!.ApplicationId);

        // Bought again through the other node: refused, and nothing changes.
        await AssertRefusedAsync(await PostAsync(b, "/number/buy", ("country", "GB"), ("msisdn", Msisdn)), "msisdn");

        using var created = await a.Client.PostAsJsonAsync("/v2/applications", new { name = "numbers" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var applicationId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await AssertSuccessAsync(await PostAsync(b, "/number/update", ("country", "GB"), ("msisdn", Msisdn), ("app_id", applicationId)));
        Assert.Equal(applicationId, (await ListAsync(a)).GetProperty("numbers")[0].GetProperty("app_id").GetString());
        Assert.Equal(applicationId, (await a.Services.GetRequiredService<INumberRepository>().FindAsync(Msisdn, default))!.ApplicationId);
        Assert.Equal(1, (await ListAsync(a, "?has_application=true&pattern=900123&search_pattern=2")).GetProperty("count").GetInt32());
        await AssertRefusedAsync(await PostAsync(a, "/number/update", ("country", "GB"), ("msisdn", Msisdn), ("app_id", "no-such-app")), "app_id");

        await AssertSuccessAsync(await PostAsync(a, "/number/cancel", ("country", "GB"), ("msisdn", Msisdn)));
        Assert.Null(await lookup.FindAsync(Msisdn, default));
        Assert.Equal(0, (await ListAsync(b)).GetProperty("count").GetInt32());
        await AssertRefusedAsync(await PostAsync(b, "/number/cancel", ("country", "GB"), ("msisdn", Msisdn)), "msisdn");
        await AssertRefusedAsync(await PostAsync(b, "/number/buy", ("country", "GB"), ("msisdn", "not a number")), "msisdn");
    }

    private static Task<HttpResponseMessage> PostAsync(ClusterNode node, string path, params (string Key, string Value)[] form) =>
        node.Client.PostAsync(path, new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Key, f.Value))));

    private static async Task<JsonElement> ListAsync(ClusterNode node, string query = "")
    {
        using var response = await node.Client.GetAsync("/account/numbers" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task AssertSuccessAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("200", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error-code").GetString());
        }
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string field)
    {
        using (response)
        {
            Assert.Equal(420, (int)response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("420", body.GetProperty("error-code").GetString());
            Assert.StartsWith(field + ":", body.GetProperty("error-code-label").GetString(), StringComparison.Ordinal);
        }
    }
}
