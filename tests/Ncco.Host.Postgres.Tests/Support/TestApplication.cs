using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Ncco.Host.Postgres.Tests.Support;

/// <summary>
/// An application created over REST on one node for a cluster test (the others read it from the shared store): its
/// key pair and id, and a fresh application JWT for the calls it makes.
/// </summary>
public sealed record TestApplication(Applications.KeyPair Keys, string Id)
{
    /// <summary>An application JWT for this application, issued now.</summary>
    public string Jwt() => Operations.ApplicationJwtIssuer.Create(Keys.PrivateKeyPem, Id, DateTimeOffset.UtcNow);

    /// <summary>
    /// Creates a call with <c>POST /v1/calls</c> on <paramref name="node"/> and returns its uuid. A 503 is tried again
    /// (bounded): a heartbeat that missed its 100 ms interval on a loaded machine suspends admission for a moment.
    /// </summary>
    public async Task<string> CallAsync(ClusterNode node, object body)
    {
        ArgumentNullException.ThrowIfNull(node);
        var (status, text) = await Eventually.ReturnsAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/calls") { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Jwt());
            using var response = await node.Client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }, r => r.StatusCode != HttpStatusCode.ServiceUnavailable, "the node taking a call");
        Assert.True(status == HttpStatusCode.Created, $"POST /v1/calls answered {(int)status}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("uuid").GetString()!;
    }

    /// <summary>Creates the application on an in-process node, with its event webhook (POST).</summary>
    public static Task<TestApplication> CreateAsync(ClusterNode node, string name, string eventUrl) =>
        CreateAsync(node.Client, new Uri("/v2/applications", UriKind.Relative), name, eventUrl);

    /// <summary>
    /// Creates the application at <paramref name="applications"/> (a node's <c>/v2/applications</c>), with its event
    /// webhook (POST) and, when given, its answer webhook (GET); <paramref name="authorization"/> for a node that asks
    /// for the account's credentials.
    /// </summary>
    public static async Task<TestApplication> CreateAsync(HttpClient http, Uri applications, string name, string eventUrl,
        string? answerUrl = null, AuthenticationHeaderValue? authorization = null)
    {
        var keys = Applications.KeyPair.Generate();
        object webhooks = answerUrl is null
            ? new { event_url = new { address = eventUrl, http_method = "POST" } }
            : new { answer_url = new { address = answerUrl, http_method = "GET" }, event_url = new { address = eventUrl, http_method = "POST" } };
        using var create = new HttpRequestMessage(HttpMethod.Post, applications)
        {
            Content = JsonContent.Create(new { name, keys = new { public_key = keys.PublicKeyPem }, capabilities = new { voice = new { webhooks } } }),
        };
        create.Headers.Authorization = authorization;
        using var created = await http.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return new(keys, (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
    }

    /// <summary>
    /// Creates a WebSocket leg on <paramref name="node"/> (to <paramref name="sockets"/>' socket "anchor") whose NCCO
    /// joins conversation <paramref name="name"/>, so that node hosts it; returns the accepted socket.
    /// </summary>
    public async Task<Ncco.Host.Tests.MediaPlane.AppSocket> AnchorConversationAsync(HttpClient http, Uri node, Ncco.Host.Tests.MediaPlane.AppSocketServer sockets, string name)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, new Uri(node, "/v1/calls"))
        {
            Content = JsonContent.Create(new
            {
                to = new[] { new Dictionary<string, object> { ["type"] = "websocket", ["uri"] = sockets.Url("anchor"), ["content-type"] = "audio/l16;rate=16000" } },
                from = new { type = "phone", number = "447700900000" },
                ncco = new[] { new { action = "conversation", name } },
            }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Jwt());
        using var created = await http.SendAsync(create);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"POST /v1/calls: {created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        return await sockets.AcceptAsync("anchor", TimeSpan.FromSeconds(30));
    }
}
