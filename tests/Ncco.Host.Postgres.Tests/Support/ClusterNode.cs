using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ncco.Host.Auth;
using Ncco.Host.Legs.Sip;
using Ncco.Host.Postgres.Cluster;

namespace Ncco.Host.Postgres.Tests.Support;

/// <summary>
/// One node of a test cluster: the real host (<c>AddNccoHost</c> + <c>AddNccoPostgres</c>) on a test server, on a
/// PostgreSQL store, heartbeating every 100 ms and dead to the others after 600 ms.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan DeadAfter = TimeSpan.FromMilliseconds(600);

    private readonly WebApplication _app;
    private readonly string _directory;
    private bool _stopped;

    private ClusterNode(WebApplication app, string directory)
    {
        _app = app;
        _directory = directory;
        var account = app.Services.GetRequiredService<AccountCredentials>();
        Client = app.GetTestClient();
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(account.ApiKey + ":" + account.ApiSecret)));
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public PostgresMembership Membership => Services.GetRequiredService<PostgresMembership>();

    public static Task<WebApplication> BuildAsync(string connectionString, string nodeId, bool sip, params string[] extra) =>
        BuildAsync(connectionString, nodeId, sip, null, extra);

    public static Task<WebApplication> BuildAsync(string connectionString, string nodeId, bool sip, Action<WebApplicationBuilder>? configure, params string[] extra)
    {
        var directory = Directory.CreateTempSubdirectory("ncco-node-").FullName;
        var rtpFirst = 20000 + (Random.Shared.Next(0, 400) * 50);
        string[] args =
        [
            $"--Ncco:DataDirectory={directory}", "--Ncco:Shutdown:DrainTimeout=00:00:00", "--Ncco:Demo:Enabled=false",
            $"--Ncco:Sip:Enabled={(sip ? "true" : "false")}", "--Ncco:Sip:Listen=127.0.0.1:0", $"--Ncco:Sip:RtpPortFirst={rtpFirst}", $"--Ncco:Sip:RtpPortLast={rtpFirst + 49}",
            "--Ncco:Store:Provider=Postgres", $"--Ncco:Store:ConnectionString={connectionString}",
            $"--Ncco:Cluster:NodeId={nodeId}", $"--Ncco:Cluster:InternalUrl=http://{nodeId}.internal:8080/",
            $"--Ncco:Cluster:HeartbeatInterval={HeartbeatInterval}", $"--Ncco:Cluster:DeadAfter={DeadAfter}",
            .. extra,
        ];
        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.AddNccoHost();
        builder.AddNccoPostgres();
        configure?.Invoke(builder);
        return Task.FromResult(builder.Build());
    }

    public static async Task<ClusterNode> StartAsync(string connectionString, string nodeId, bool sip = false) =>
        await StartAsync(connectionString, nodeId, null, sip);

    /// <summary>
    /// Starts a node whose internal hop goes through <paramref name="router"/> (and which joins it), with
    /// <paramref name="configure"/> applied to its builder.
    /// </summary>
    public static async Task<ClusterNode> StartAsync(string connectionString, string nodeId, HopRouter? router, bool sip = false,
        Action<WebApplicationBuilder>? configure = null)
    {
        var app = await BuildAsync(connectionString, nodeId, sip, builder =>
        {
            if (router is not null)
            {
                builder.Services.AddHttpClient(Ncco.Host.Cluster.LegForwardingFilter.ClientName)
                    .ConfigurePrimaryHttpMessageHandler(() => router).SetHandlerLifetime(Timeout.InfiniteTimeSpan);
            }
            configure?.Invoke(builder);
        });
        await app.UseNccoHostAsync();
        await app.StartAsync();
        router?.Add(nodeId, app.GetTestServer().CreateHandler());
        return new ClusterNode(app, app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Configuration.NccoHostOptions>>().Value.DataDirectory);
    }

    /// <summary>The <c>ncco-admission</c> entry of <c>/health/ready</c>: its status and the HTTP status of the whole answer.</summary>
    public async Task<(HttpStatusCode Status, string Admission)> ReadinessAsync()
    {
        using var response = await Client.GetAsync("/health/ready");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.GetProperty("checks").GetProperty("ncco-admission").GetProperty("status").GetString()!);
    }

    /// <summary>Sends an INVITE over UDP to the node's SIP gateway and returns the final status code.</summary>
    public Task<int> InviteAsync() => RequestAsync("INVITE");

    /// <summary>Sends an out-of-dialog OPTIONS (a SIP front's probe) and returns the final status code.</summary>
    public Task<int> OptionsAsync() => RequestAsync("OPTIONS");

    private async Task<int> RequestAsync(string method)
    {
        var gateway = Services.GetRequiredService<SipGateway>().LocalEndPoint ?? throw new InvalidOperationException("SIP is not listening");
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)udp.Client.LocalEndPoint!;
        var callId = Guid.NewGuid().ToString("N");
        var invite = $"{method} sip:nobody@{gateway} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP {local};branch=z9hG4bK{callId};rport\r\n" +
            "Max-Forwards: 70\r\n" +
            $"From: <sip:tester@{local}>;tag={callId[..8]}\r\n" +
            $"To: <sip:nobody@{gateway}>\r\n" +
            $"Call-ID: {callId}@127.0.0.1\r\n" +
            $"CSeq: 1 {method}\r\n" +
            $"Contact: <sip:tester@{local}>\r\n" +
            "Content-Length: 0\r\n\r\n";
        await udp.SendAsync(Encoding.ASCII.GetBytes(invite), gateway);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var datagram = await udp.ReceiveAsync(timeout.Token);
            var line = Encoding.ASCII.GetString(datagram.Buffer).Split("\r\n")[0];
            var code = int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            if (code >= 200) return code;
        }
    }

    /// <summary>Stops the node gracefully (it marks itself dead in the database).</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
