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

    /// <summary>Where the host's SIP listens (UDP and TCP).</summary>
    public IPEndPoint Sip => Host.Services.GetRequiredService<SipGateway>().LocalEndPoint!;

    public static Task<SipHostHarness> StartAsync(params string[] extraArgs) => StartAsync(_ => extraArgs);

    /// <summary>As <see cref="StartAsync(string[])"/>, with settings that name the application (given its id).</summary>
    public static async Task<SipHostHarness> StartAsync(Func<string, string[]> extraArgsFor)
    {
        var app = await WebhookAppServer.StartAsync();
        var id = Guid.NewGuid().ToString();
        var extraArgs = extraArgsFor(id);
        var keys = KeyPair.Generate();
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
            repository.AddAsync(new Application(id, "sip app", keys.PublicKeyPem)
            {
                Voice = new VoiceCapability
                {
                    AnswerUrl = new Webhook(app.Url("answer"), "GET"),
                    EventUrl = new Webhook(app.Url("events"), "POST"),
                },
            }, CancellationToken.None).GetAwaiter().GetResult();
        }, extraArgs: args);
        return new SipHostHarness(host, app, id, keys.PrivateKeyPem);
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
