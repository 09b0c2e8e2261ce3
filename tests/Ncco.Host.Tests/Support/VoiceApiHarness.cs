using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Calls;

namespace Ncco.Host.Tests.Support;

/// <summary>The host on a test server, an application whose webhooks point at a real loopback app, and fresh JWTs.</summary>
public sealed class VoiceApiHarness : IAsyncDisposable
{
    private VoiceApiHarness(TestHostFixture host, WebhookAppServer app, VirtualDialer dialer, string applicationId, string privateKey)
    {
        Host = host;
        App = app;
        Dialer = dialer;
        ApplicationId = applicationId;
        PrivateKey = privateKey;
    }

    public TestHostFixture Host { get; }
    public WebhookAppServer App { get; }
    public VirtualDialer Dialer { get; }
    public string ApplicationId { get; }
    public string PrivateKey { get; }

    public static Task<VoiceApiHarness> StartAsync(string? dataDirectory = null, bool eventUrl = true, params string[] extraArgs) =>
        StartAsync(null, dataDirectory, eventUrl, extraArgs);

    /// <param name="configure">Runs after <c>AddNccoHost</c> (an exporter, more services).</param>
    public static async Task<VoiceApiHarness> StartAsync(Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure, string? dataDirectory = null, bool eventUrl = true, params string[] extraArgs)
    {
        var app = await WebhookAppServer.StartAsync();
        var dialer = new VirtualDialer();
        var host = await TestHostFixture.StartAsync(dataDirectory, configure: b =>
        {
            b.Services.AddSingleton<IVmCustomizer>(dialer);
            configure?.Invoke(b);
        }, extraArgs: extraArgs);
        var (id, key) = await CreateApplicationAsync(host, app, eventUrl);
        return new VoiceApiHarness(host, app, dialer, id, key);
    }

    public static async Task<(string Id, string PrivateKey)> CreateApplicationAsync(TestHostFixture host, WebhookAppServer app, bool eventUrl = true, string name = "voice app")
    {
        var webhooks = new Dictionary<string, object>
        {
            ["answer_url"] = new { address = app.Url("answer").ToString(), http_method = "GET" },
            ["fallback_answer_url"] = new { address = app.Url("fallback").ToString(), http_method = "GET" },
        };
        if (eventUrl) webhooks["event_url"] = new { address = app.Url("events").ToString(), http_method = "POST" };
        var response = await host.Client.PostAsJsonAsync("/v2/applications", new { name, capabilities = new { voice = new { webhooks } } });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetString()!, body.GetProperty("keys").GetProperty("private_key").GetString()!);
    }

    public string Token() => ApplicationJwt.Mint(ApplicationId, PrivateKey, Host.Time.GetUtcNow());

    public Task<Reply> SendAsync(HttpMethod method, string path, object? body = null, string? token = null) =>
        SendRawAsync(method, path, body is null ? null : JsonSerializer.Serialize(body), token);

    public async Task<Reply> SendRawAsync(HttpMethod method, string path, string? json, string? token = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token());
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, contentType);
        using var response = await Host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Reply((int)response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement : default, response.Headers);
    }

    /// <summary>Creates a call that runs <paramref name="ncco"/> (an object graph) and returns its uuid.</summary>
    public async Task<string> CreateCallAsync(object ncco, string number = "447700900001")
    {
        var reply = await SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number } },
            from = new { type = "phone", number = "447700900000" },
            ncco,
        });
        Assert.True(reply.Status == 201, reply.ToString());
        return reply.Body.GetProperty("uuid").GetString()!;
    }

    public ICallRepository Calls => Host.Services.GetRequiredService<ICallRepository>();

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await App.DisposeAsync();
    }
}

public sealed record Reply(int Status, JsonElement Body, HttpResponseHeaders Headers)
{
    public string[] InvalidNames => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("invalid_parameters", out var p)
        ? [.. p.EnumerateArray().Select(e => e.GetProperty("name").GetString()!)]
        : [];

    public override string ToString() => $"{Status} {Body}";
}
