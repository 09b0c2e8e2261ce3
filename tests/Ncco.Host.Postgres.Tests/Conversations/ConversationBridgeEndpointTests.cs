using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Cluster;
using Ncco.Host.Postgres.Tests.Support;

namespace Ncco.Host.Postgres.Tests.Conversations;

/// <summary>
/// The host's bridge endpoint refuses, before any upgrade and with the reason, whatever is not a signed bridge request
/// of a conversation it hosts.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ConversationBridgeEndpointTests(PostgresServer server)
{
    private const string Path = "/internal/v1/conversation-bridge";

    private static string Encode(object request) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(request)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static object Request(string name, string conversation = "CON-1", string? nccoName = null) => new
    {
        name,
        conversation_uuid = conversation,
        uuid = "6a1f2b4c-0000-4000-8000-000000000001",
        ncco = new[] { new { action = "conversation", name = nccoName ?? name } },
    };

    [Fact]
    public async Task Unsigned_malformed_misdirected_and_non_WebSocket_requests_are_refused_naming_why()
    {
        await using var node = await ClusterNode.StartAsync(await server.CreateDatabaseAsync(), "node-a");
        var hop = node.Services.GetRequiredService<ClusterHop>();
        var application = await TestApplication.CreateAsync(node, "bridge", "http://127.0.0.1:9/events");

        async Task<(HttpStatusCode Status, string Body)> GetAsync(string query, string? applicationId = null, bool sign = true, bool tamper = false)
        {
            var pathAndQuery = Path + query;
            using var get = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
            if (sign)
            {
                foreach (var (name, value) in hop.Headers("GET", tamper ? pathAndQuery + "x" : pathAndQuery, applicationId ?? application.Id, [])) get.Headers.Add(name, value);
            }
            using var response = await node.Client.SendAsync(get);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var valid = "?bridge=" + Encode(Request("room"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(valid, sign: false)).Status);
        var tampered = await GetAsync(valid, tamper: true);
        Assert.Equal((HttpStatusCode.Unauthorized, true), (tampered.Status, tampered.Body.Contains("signature", StringComparison.Ordinal)));

        async Task RefusedAsync(string query, HttpStatusCode status, string reason, string? applicationId = null)
        {
            var (got, body) = await GetAsync(query, applicationId);
            Assert.True(got == status && body.Contains(reason, StringComparison.Ordinal), $"{query[..Math.Min(query.Length, 60)]}: {(int)got} {body}");
        }

        await RefusedAsync("", HttpStatusCode.BadRequest, "'bridge' is missing");
        await RefusedAsync("?bridge=%25%25", HttpStatusCode.BadRequest, "is not base64url");
        await RefusedAsync("?bridge=" + Convert.ToBase64String(Encoding.UTF8.GetBytes("{not json")).TrimEnd('='), HttpStatusCode.BadRequest, "not valid JSON");
        await RefusedAsync("?bridge=" + Encode(new { name = "room" }), HttpStatusCode.BadRequest, "needs name, conversation_uuid and uuid");
        await RefusedAsync("?bridge=" + Encode(Request("room", nccoName: "other")), HttpStatusCode.BadRequest, "one conversation action of the conversation named");
        await RefusedAsync("?bridge=" + new string('A', 70_000), HttpStatusCode.BadRequest, "longer than");
        await RefusedAsync(valid, HttpStatusCode.NotFound, "no application", applicationId: "no-such-application");

        // A conversation this node hosts under another uuid (the asking node's view is stale): 409.
        await node.Services.GetRequiredService<IConversationHostDirectory>().ClaimAsync(application.Id, "room", "CON-held", default);
        await RefusedAsync("?bridge=" + Encode(Request("room", conversation: "CON-other")), HttpStatusCode.Conflict, "hosted by node-a as CON-held");
        // The right one, but not a WebSocket.
        await RefusedAsync("?bridge=" + Encode(Request("room", conversation: "CON-held")), HttpStatusCode.BadRequest, "is a WebSocket");
    }
}
