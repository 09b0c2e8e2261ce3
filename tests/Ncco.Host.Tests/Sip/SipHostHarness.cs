using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Applications;
using Ncco.Host.Legs.Sip;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// The real host with its SIP gateway on free loopback ports, and one application (webhooks on a loopback app) that
/// owns the number <see cref="Number"/> and the user <see cref="User"/>.
/// </summary>
public sealed class SipHostHarness : IAsyncDisposable
{
    public const string Number = "447700900000";
    public const string User = "alice";

    private SipHostHarness(TestHostFixture host, WebhookAppServer app, string applicationId, string privateKey)
    {
        Host = host;
        App = app;
        ApplicationId = applicationId;
        PrivateKey = privateKey;
    }

    public TestHostFixture Host { get; }

    public WebhookAppServer App { get; }

    public string ApplicationId { get; }

    public string PrivateKey { get; }

    private string PublicKey { get; init; } = "";

    /// <summary>Where the host's SIP listens (UDP and TCP).</summary>
    public IPEndPoint Sip => Host.Services.GetRequiredService<SipGateway>().LocalEndPoint!;

    public static Task<SipHostHarness> StartAsync(params string[] extraArgs) => StartAsync(_ => extraArgs);

    /// <summary>As <see cref="StartAsync(string[])"/>, with settings that name the application (given its id).</summary>
    public static Task<SipHostHarness> StartAsync(Func<string, string[]> extraArgsFor) => StartAsync(extraArgsFor, restartOf: null);

    /// <summary>
    /// As <see cref="StartAsync(Func{string, string[]})"/>; with <paramref name="restartOf"/> (a harness already disposed), a
    /// host on the same data directory with the same application (its webhooks moved to a new app server), as after a
    /// restart. <paramref name="time"/> replaces the host's clock (a later start, for expiries).
    /// </summary>
    public static async Task<SipHostHarness> StartAsync(Func<string, string[]> extraArgsFor, SipHostHarness? restartOf, TimeProvider? time = null)
    {
        var app = await WebhookAppServer.StartAsync();
        var id = restartOf?.ApplicationId ?? Guid.NewGuid().ToString();
        var extraArgs = extraArgsFor(id);
        var keys = restartOf is null ? KeyPair.Generate() : new KeyPair(restartOf.PublicKey, restartOf.PrivateKey);
        // A free block of RTP ports per host, so parallel test classes never compete for the same pairs.
        var rtpFirst = 20000 + (Random.Shared.Next(0, 400) * 50);
        string[] args =
        [
            "--Ncco:Sip:Enabled=true", "--Ncco:Sip:Listen=127.0.0.1:0", $"--Ncco:Sip:RtpPortFirst={rtpFirst}", $"--Ncco:Sip:RtpPortLast={rtpFirst + 49}",
            $"--Ncco:Sip:Routes:{Number}={id}", $"--Ncco:Sip:Routes:{User}={id}", "--Ncco:Demo:Enabled=false", "--Ncco:Calls:RateLimitPerSecond=0",
            .. extraArgs,
        ];
        var host = await TestHostFixture.StartAsync(configureApp: web =>
        {
            // The application must exist before the gateway routes to it; its id is fixed here so the route can name it.
            var repository = web.Services.GetRequiredService<IApplicationRepository>();
            var application = new Application(id, "sip app", keys.PublicKeyPem)
            {
                Voice = new VoiceCapability
                {
                    AnswerUrl = new Webhook(app.Url("answer"), "GET"),
                    EventUrl = new Webhook(app.Url("events"), "POST"),
                },
            };
            if (restartOf is null) repository.AddAsync(application, CancellationToken.None).GetAwaiter().GetResult();
            else Assert.True(repository.ReplaceAsync(application, CancellationToken.None).GetAwaiter().GetResult(), "the restarted host lost the application");
        }, configure: time is null ? null : web => web.Services.AddSingleton(time), dataDirectory: restartOf?.Host.DataDirectory, extraArgs: args);
        return new SipHostHarness(host, app, id, keys.PrivateKeyPem) { PublicKey = keys.PublicKeyPem };
    }

    /// <summary>POST /v1/calls with the application's JWT; returns the new leg's uuid.</summary>
    public async Task<string> CreateCallAsync(string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/calls") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApplicationJwt.Mint(ApplicationId, PrivateKey, Host.Time.GetUtcNow()));
        using var response = await Host.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, $"POST /v1/calls: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("uuid").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await App.DisposeAsync();
    }
}
