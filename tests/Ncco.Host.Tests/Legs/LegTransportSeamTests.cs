using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Ncco.Host.Browser;
using Ncco.Host.Legs;
using Ncco.Host.Legs.Sip;
using Ncco.Host.Legs.WebSockets;
using Ncco.Host.Operations;
using Ncco.Host.Tests.MediaPlane;
using Ncco.Host.Tests.Sip;
using Ncco.Host.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ncco.Legs;

namespace Ncco.Host.Tests.Legs;

/// <summary>
/// The leg-transport seam in a running host: registering the transports in another order (before the media services,
/// which used to overwrite the dialer and drop SIP and app routing) routes every endpoint type as before, and a transport
/// of the user's own places the legs of its endpoint type for REST calls and <c>connect</c>.
/// </summary>
public sealed class LegTransportSeamTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task With_the_transports_registered_first_in_reverse_order_sip_app_websocket_and_vbc_route_as_always()
    {
        await using var webhooks = await WebhookAppServer.StartAsync();
        var rtpFirst = 30000 + (Random.Shared.Next(0, 200) * 50);
        await using var host = await TestHostFixture.StartAsync(
            configureFirst: b =>
            {
                b.AddNccoBrowserPhone();
                b.AddNccoSip();
                b.AddNccoWebSockets();
            },
            extraArgs: ["--Ncco:Sip:Enabled=true", "--Ncco:Sip:Listen=127.0.0.1:0", $"--Ncco:Sip:RtpPortFirst={rtpFirst}", $"--Ncco:Sip:RtpPortLast={rtpFirst + 29}",
                "--Ncco:Demo:Enabled=false", "--Ncco:Calls:RateLimitPerSecond=0"]);
        var (id, key) = await VoiceApiHarness.CreateApplicationAsync(host, webhooks);
        const string Talk = """[{"action":"talk","text":"Hello there.","loop":0}]""";

        await using var callee = TestSoftphone.Listen(rtpFirst + 30);
        var sip = await CreateCallAsync(host, id, key, $$"""{"type":"sip","uri":"sip:bob@127.0.0.1:{{callee.SipPort}}"}""", Talk);
        await callee.AnswerAsync(Wait);
        await webhooks.WaitForStatusAsync(sip, "answered", Wait);

        var phone = await SignInAsync(host, id, key, "carol");
        var app = await CreateCallAsync(host, id, key, """{"type":"app","user":"carol"}""", Talk);
        Assert.Equal(app, (await ReceiveEventAsync(phone, "incoming")).GetProperty("uuid").GetString());
        await webhooks.WaitForStatusAsync(app, "ringing", Wait);

        await using var sockets = await AppSocketServer.StartAsync();
        var ws = await CreateCallAsync(host, id, key, $$"""{"type":"websocket","uri":"{{sockets.Url("bot")}}","content-type":"audio/l16;rate=16000"}""", Talk);
        var bot = await sockets.AcceptAsync("bot", Wait);
        await bot.NextEventAsync("websocket:connected", Wait);
        await webhooks.WaitForStatusAsync(ws, "answered", Wait);

        var vbc = await CreateCallAsync(host, id, key, """{"type":"vbc","extension":"1234"}""", Talk);
        Assert.Equal("cannot_route", (await webhooks.WaitForStatusAsync(vbc, "failed", Wait)).Json!.Value.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_transport_of_your_own_places_the_legs_of_its_endpoint_types_for_rest_calls_and_connect()
    {
        await using var webhooks = await WebhookAppServer.StartAsync();
        var mine = new RecordingTransport();
        // The SIP gateway is off in this host, so phone is free as well as vbc.
        await using var host = await TestHostFixture.StartAsync(
            configure: b => b.Services.AddNccoLegTransport(Ncco.Model.Endpoints.EndpointTypes.Vbc, mine).AddNccoLegTransport(Ncco.Model.Endpoints.EndpointTypes.Phone, mine),
            extraArgs: ["--Ncco:Demo:Enabled=false", "--Ncco:Calls:RateLimitPerSecond=0"]);
        var (id, key) = await VoiceApiHarness.CreateApplicationAsync(host, webhooks);

        var uuid = await CreateCallAsync(host, id, key, """{"type":"phone","number":"447700900001"}""",
            """[{"action":"talk","text":"Connecting you to the extension."},{"action":"connect","endpoint":[{"type":"vbc","extension":"1234"}]}]""");
        await webhooks.WaitForStatusAsync(uuid, "answered", Wait);
        var (request, context, caller) = mine.Created.First();
        Assert.Equal(uuid, request.LegId);
        Assert.Equal(id, context.Application.ApplicationId);
        await WaitUntilAsync(() => caller.Played.Any(p => p.Kind == PlaybackKind.Talk && p.Text == "Connecting you to the extension."), "the talk reached the caller's leg");

        // The connect's leg comes from the same transport and joins the call.
        await WaitUntilAsync(() => mine.Created.Count == 2, "connect created the vbc leg");
        var (connectRequest, _, _) = mine.Created.Last();
        Assert.Equal("vbc", connectRequest.Endpoint.Type);
        // Its events may have come while the test waited for the caller's (a wait consumes what it skips).
        await WaitUntilAsync(() => webhooks.HasStatus(connectRequest.LegId, "answered"), "the vbc leg reported answered");
    }

    [Fact]
    public async Task Trunks_configured_in_code_after_AddNccoSip_are_reported_at_startup_as_unused_by_phone_endpoints()
    {
        var log = new WarningLog();
        var rtpFirst = 30000 + (Random.Shared.Next(0, 200) * 50);
        await using var host = await TestHostFixture.StartAsync(
            configure: b =>
            {
                b.Logging.AddProvider(log);
                b.Services.Configure<SipOptions>(o => o.Trunks.Add(new SipTrunkOptions { Name = "carrier", Address = "127.0.0.1:5999" }));
            },
            extraArgs: ["--Ncco:Sip:Enabled=true", "--Ncco:Sip:Listen=127.0.0.1:0", $"--Ncco:Sip:RtpPortFirst={rtpFirst}", $"--Ncco:Sip:RtpPortLast={rtpFirst + 9}",
                "--Ncco:Demo:Enabled=false"]);

        Assert.Null(host.Services.GetRequiredService<LegTransportMap>().RegistrationFor("phone"));
        var warning = Assert.Single(log.Lines, l => l.Contains("trunks are configured", StringComparison.Ordinal));
        Assert.Contains("phone endpoints go to no transport (failed/cannot_route)", warning, StringComparison.Ordinal);
        Assert.Contains("Ncco:Sip:Trunks", warning, StringComparison.Ordinal);
    }

    private static async Task<string> CreateCallAsync(TestHostFixture host, string id, string key, string to, string ncco)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/calls")
        {
            Content = new StringContent($$"""{"to":[{{to}}],"from":{"type":"phone","number":"447700900000"},"ncco":{{ncco}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", ApplicationJwt.Mint(id, key, host.Time.GetUtcNow()));
        using var response = await host.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == 201, $"POST /v1/calls: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("uuid").GetString()!;
    }

    private static async Task<WebSocket> SignInAsync(TestHostFixture host, string id, string key, string user)
    {
        using var timeout = new CancellationTokenSource(Wait);
        var socket = await host.Server.CreateWebSocketClient().ConnectAsync(new Uri(host.Server.BaseAddress, "phone/ws"), timeout.Token);
        var login = JsonSerializer.Serialize(new { action = "login", token = ApplicationJwtIssuer.Create(key, id, host.Time.GetUtcNow(), subject: user) });
        await socket.SendAsync(Encoding.UTF8.GetBytes(login), WebSocketMessageType.Text, true, timeout.Token);
        await ReceiveEventAsync(socket, "ready");
        return socket;
    }

    /// <summary>The next text message of the phone whose <c>event</c> is <paramref name="name"/>, skipping audio and other events.</summary>
    private static async Task<JsonElement> ReceiveEventAsync(WebSocket socket, string name)
    {
        using var timeout = new CancellationTokenSource(Wait);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult r;
            do
            {
                r = await socket.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, r.Count);
            }
            while (!r.EndOfMessage && r.MessageType != WebSocketMessageType.Close);
            if (r.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException($"closed while waiting for {name}");
            if (r.MessageType != WebSocketMessageType.Text) continue;
            var json = JsonDocument.Parse(message.ToArray()).RootElement;
            if (json.GetProperty("event").GetString() == name) return json;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < Wait, $"timed out waiting until {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>Keeps the text of every warning logged.</summary>
    private sealed class WarningLog : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public ILogger CreateLogger(string categoryName) => new Logger(_lines);

        public void Dispose()
        {
        }

        private sealed class Logger(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel)) lines.Enqueue(formatter(state, exception));
            }
        }
    }
}
