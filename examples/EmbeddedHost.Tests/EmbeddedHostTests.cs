using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using EmbeddedHost;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Operations;

namespace EmbeddedHost.Tests;

/// <summary>
/// The app is started as its users would test any ASP.NET Core app (WebApplicationFactory&lt;Program&gt;), on Kestrel
/// at a free loopback port, because the host calls the app's webhooks over real HTTP.
/// </summary>
public sealed class EmbeddedHostTests : IAsyncLifetime
{
    private const string ApiKey = "embedded1";
    private const string ApiSecret = "embedded-secret";

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("ncco-embedded-").FullName;
    private WebApplicationFactory<Program> _factory = null!;
    private HttpClient _http = null!;
    private Uri _baseUrl = null!;

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Ncco:DataDirectory", _dataDirectory);
            web.UseSetting("Ncco:Account:ApiKey", ApiKey);
            web.UseSetting("Ncco:Account:ApiSecret", ApiSecret);
            web.UseSetting("Ncco:Sip:Enabled", "false");
            web.UseSetting("Ncco:Shutdown:DrainTimeout", "00:00:00");
        });
        _factory.UseKestrel(0);
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _baseUrl = new Uri(address.Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://localhost", "://127.0.0.1", StringComparison.Ordinal) + "/");
        _http = new HttpClient { BaseAddress = _baseUrl };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _factory.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task The_apps_own_routes_and_the_hosts_apis_are_served_side_by_side()
    {
        using var ready = await _http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        using var answer = JsonDocument.Parse(await _http.GetStringAsync(new Uri("/webhooks/answer", UriKind.Relative)));
        Assert.Equal("talk", answer.RootElement[0].GetProperty("action").GetString());

        // The dashboard's page is an embedded resource of the Ncco.Host assembly, served from the app's process.
        var dashboard = await _http.GetStringAsync(new Uri("/dashboard", UriKind.Relative));
        Assert.Contains("<title>Dashboard — Ncco</title>", dashboard, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_placed_through_the_embedded_voice_api_runs_the_apps_own_answer_webhook()
    {
        // An application whose webhooks are this app's own routes, created through the host's Applications API.
        using var create = new HttpRequestMessage(HttpMethod.Post, new Uri("/v2/applications", UriKind.Relative))
        {
            Content = JsonContent.Create(new
            {
                name = "embedded",
                capabilities = new
                {
                    voice = new
                    {
                        webhooks = new
                        {
                            answer_url = new { address = new Uri(_baseUrl, "webhooks/answer").ToString(), http_method = "GET" },
                            event_url = new { address = new Uri(_baseUrl, "webhooks/event").ToString(), http_method = "POST" },
                        },
                    },
                },
            }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(ApiKey + ":" + ApiSecret)));
        using var created = await _http.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var application = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var applicationId = application.RootElement.GetProperty("id").GetString()!;
        var privateKey = application.RootElement.GetProperty("keys").GetProperty("private_key").GetString()!;

        // A call to the host's own demo echo bot over a WebSocket leg; the NCCO comes from this app's answer URL.
        using var call = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/calls", UriKind.Relative))
        {
            Content = JsonContent.Create(new
            {
                to = new[] { new Dictionary<string, string> { ["type"] = "websocket", ["uri"] = new Uri(_baseUrl, "demo/bot").ToString().Replace("http://", "ws://", StringComparison.Ordinal), ["content-type"] = "audio/l16;rate=16000" } },
                from = new { type = "phone", number = "447700900000" },
                answer_url = new[] { new Uri(_baseUrl, "webhooks/answer").ToString() },
                event_url = new[] { new Uri(_baseUrl, "webhooks/event").ToString() },
            }),
        };
        call.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApplicationJwtIssuer.Create(privateKey, applicationId, DateTimeOffset.UtcNow));
        using var placed = await _http.SendAsync(call);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var uuid = JsonDocument.Parse(await placed.Content.ReadAsStringAsync()).RootElement.GetProperty("uuid").GetString();

        // The talk is played to the bot, the NCCO ends, the call completes: every status reached this app.
        var events = _factory.Services.GetRequiredService<CallEvents>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!Statuses(events, uuid).Contains("completed") && waited.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(50);
        // A WebSocket leg rings while its handshake is under way, then answers (Vonage's started → ringing → answered).
        Assert.Equal(["started", "ringing", "answered", "completed"], Statuses(events, uuid).Where(s => s is "started" or "ringing" or "answered" or "completed"));
    }

    private static List<string?> Statuses(CallEvents events, string? uuid) =>
        [.. events.All.Where(e => e.TryGetProperty("uuid", out var u) && u.GetString() == uuid && e.TryGetProperty("status", out _)).Select(e => e.GetProperty("status").GetString())];
}
