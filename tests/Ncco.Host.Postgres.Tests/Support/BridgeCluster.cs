using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ncco.Host.Tests.MediaPlane;
using Ncco.Tests.Shared;

namespace Ncco.Host.Postgres.Tests.Support;

/// <summary>
/// Real nodes (<see cref="NodeProcess"/>) on one database, an application whose events go to an <see cref="EventSink"/>,
/// and WebSocket legs as audio probes (<see cref="AppSocketServer"/>): each call is created on a chosen node with its
/// own NCCO, and its socket sends and receives the leg's audio.
/// </summary>
public sealed class BridgeCluster : IAsyncDisposable
{
    private const string Key = "bridgekey1";
    private const string Secret = "BridgeSecret12345";
    private readonly string _work;
    private int _sockets;

    private BridgeCluster(string work, NodeProcess?[] nodes, EventSink hooks, AppSocketServer sockets)
    {
        _work = work;
        Nodes = nodes;
        Hooks = hooks;
        Sockets = sockets;
    }

    public NodeProcess?[] Nodes { get; }

    public EventSink Hooks { get; }

    public AppSocketServer Sockets { get; }

    public TestApplication Application { get; private set; } = null!;

    // Generous: a node's first requests (JIT, pools) on a loaded two-core machine took over 15 s.
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public static async Task<BridgeCluster> StartAsync(string database, int nodes, int rtpBase)
    {
        // Nodes starting together on a loaded machine wait for each other's migrations and for connections: the test
        // server's 5 s connect and 10 s command timeouts made a node give up at start (no database cut is tested here).
        database = new Npgsql.NpgsqlConnectionStringBuilder(database) { Timeout = 30, CommandTimeout = 60 }.ToString();
        var work = Directory.CreateTempSubdirectory("ncco-bridge-").FullName;
        var started = new NodeProcess?[nodes];
        var cluster = new BridgeCluster(work, started, await EventSink.StartAsync(), await AppSocketServer.StartAsync());
        for (var i = 0; i < nodes; i++) cluster.Start(i, database, rtpBase);
        await Task.WhenAll(started.Select(n => n!.WaitReadyAsync(TimeSpan.FromSeconds(90))));
        cluster.Application = await TestApplication.CreateAsync(cluster.Http, new Uri(started[0]!.BaseUrl, "/v2/applications"), "bridge", cluster.Hooks.Url,
            authorization: new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Key + ":" + Secret))));
        return cluster;
    }

    private void Start(int index, string database, int rtpBase)
    {
        Nodes[index] = NodeProcess.StartInCluster(index, (Sipp.FreeTcpPort(), Sipp.FreeUdpPort()), _work, database, (Key, Secret),
            (rtpBase + (index * 100), rtpBase + (index * 100) + 99),
            // The tests create calls back to back; the cluster-wide rate limit (3/s by default) is tested elsewhere. Why each
            // bridge end stopped is logged at Debug: a failure message then says it (Output).
            ["--Ncco:Limits:CallsPerSecondPerSource=0", "--Ncco:Calls:RateLimitPerSecond=0", "--Logging:LogLevel:Ncco.Host.Cluster=Debug"]);
    }

    /// <summary>Creates a call on node <paramref name="node"/> to a new probe socket, running <paramref name="ncco"/>; returns its uuid and socket.</summary>
    public async Task<(string Uuid, AppSocket Socket)> CallAsync(int node, params object[] ncco)
    {
        var name = "leg" + Interlocked.Increment(ref _sockets);
        // A node whose heartbeat was late on a loaded machine refuses new calls (503) until its next one gets through: a
        // client tries again, as here, for a bounded time (no database is cut in these tests).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        HttpStatusCode status;
        string body;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Nodes[node]!.BaseUrl, "/v1/calls"))
            {
                Content = JsonContent.Create(new
                {
                    to = new[] { new Dictionary<string, object> { ["type"] = "websocket", ["uri"] = Sockets.Url(name), ["content-type"] = "audio/l16;rate=16000" } },
                    from = new { type = "phone", number = "447700900000" },
                    ncco,
                }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Application.Jwt());
            using var response = await Http.SendAsync(request);
            (status, body) = (response.StatusCode, await response.Content.ReadAsStringAsync());
            if (status != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline) break;
            await Task.Delay(200);
        }
        Assert.True(status == HttpStatusCode.Created, $"POST /v1/calls on node {node + 1}: {status} {body}");
        var uuid = JsonDocument.Parse(body).RootElement.GetProperty("uuid").GetString()!;
        // The leg is answered once its socket is open (what crosses is checked by hearing, with bounded retries).
        var socket = await Sockets.AcceptAsync(name, TimeSpan.FromSeconds(30));
        return (uuid, socket);
    }

    /// <summary>
    /// Waits until leg <paramref name="uuid"/> has joined its conversation (its <c>transfer</c> event) and returns the
    /// conversation's uuid. Its node has claimed the conversation, or found who hosts it, by then: <see cref="CallAsync"/>
    /// returns once the leg's socket is open, before its <c>conversation</c> action has asked, so a test that needs the
    /// first leg's node to host must wait for this before the next leg calls.
    /// </summary>
    public async Task<string> JoinedAsync(string uuid)
    {
        var transfer = await Eventually.ReturnsAsync(
            () => Task.FromResult(Hooks.Events.LastOrDefault(e => e.GetProperty("uuid").GetString() == uuid && e.TryGetProperty("conversation_uuid_to", out _))),
            e => e.ValueKind == JsonValueKind.Object, $"{uuid} joining its conversation");
        return transfer.GetProperty("conversation_uuid_to").GetString()!;
    }

    /// <summary>PUT /v1/calls/{uuid} with <c>{"action": action}</c> on node <paramref name="node"/>.</summary>
    public async Task ModifyAsync(int node, string uuid, string action)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(Nodes[node]!.BaseUrl, "/v1/calls/" + uuid)) { Content = JsonContent.Create(new { action }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Application.Jwt());
        using var response = await Http.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, $"PUT {action} on node {node + 1}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The value of Prometheus gauge <paramref name="metric"/> on node <paramref name="node"/>.</summary>
    public async Task<double> GaugeAsync(int node, string metric)
    {
        var text = await Http.GetStringAsync(new Uri(Nodes[node]!.BaseUrl, "/metrics"));
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(metric, StringComparison.Ordinal) && (l.Length == metric.Length || l[metric.Length] is ' ' or '{'));
        Assert.True(line is not null, $"{metric} is not in node {node + 1}'s /metrics");
        return double.Parse(line![(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Node <paramref name="node"/>'s <c>ncco.cluster.bridge_ends</c> series (bridge ends that stopped, by end and cause),
    /// one <c>end/cause=count</c> per series, for failure messages and test output.
    /// </summary>
    public async Task<string> BridgeEndsAsync(int node)
    {
        const string metric = "ncco_cluster_bridge_ends";
        var text = await Http.GetStringAsync(new Uri(Nodes[node]!.BaseUrl, "/metrics"));
        var series = text.Split('\n').Where(l => l.StartsWith(metric, StringComparison.Ordinal) && l.Contains('{', StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf('{', StringComparison.Ordinal) + 1)..l.IndexOf('}', StringComparison.Ordinal)].Replace("\"", "", StringComparison.Ordinal) + "=" + l[(l.LastIndexOf(' ') + 1)..]);
        return $"node {node + 1} bridge ends: [{string.Join("; ", series)}]";
    }

    /// <summary>
    /// What node <paramref name="node"/>'s VM did with leg <paramref name="uuid"/> (the dashboard's timeline: its activity
    /// log and webhooks, one line each), for failure messages; the status and body when the node cannot say.
    /// </summary>
    public async Task<string> TimelineAsync(int node, string uuid)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Nodes[node]!.BaseUrl, "/dashboard/api/calls/" + uuid));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Key + ":" + Secret)));
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK) return $"node {node + 1} timeline of {uuid}: {(int)response.StatusCode} {body}";
        var entries = JsonDocument.Parse(body).RootElement.GetProperty("entries").EnumerateArray()
            .Select(e => $"  {e.GetProperty("at").GetString()} {e.GetProperty("leg").GetString()} {e.GetProperty("kind").GetString()}: {e.GetProperty("text").GetString()}");
        return $"node {node + 1} timeline of {uuid}:\n{string.Join("\n", entries)}";
    }

    /// <summary>
    /// How much of what <paramref name="listener"/> received while <paramref name="speaker"/> sent a tone of
    /// <paramref name="hz"/> for <paramref name="seconds"/> (and a moment after) was that tone (0–1).
    /// </summary>
    public static async Task<double> ToneHeardAsync(AppSocket speaker, AppSocket listener, double hz, double seconds = 0.6)
    {
        var mark = listener.Audio().Length;
        await speaker.SendAudioAsync(TestAudio.Tone(hz, seconds, 16000), 16000);
        await Task.Delay(TimeSpan.FromSeconds(seconds + 0.8));
        var heard = listener.Audio()[mark..];
        return TestAudio.ToneShare(heard, hz, 16000);
    }

    /// <summary>Waits (bounded) until <paramref name="listener"/> hears <paramref name="speaker"/>'s tone.</summary>
    public static Task HearsAsync(AppSocket speaker, AppSocket listener, double hz, string what) => HearsWithinAsync(speaker, listener, hz, what, TimeSpan.FromSeconds(30));

    /// <summary>
    /// Waits until <paramref name="listener"/> hears <paramref name="speaker"/>'s tone, trying again (each try 1.4 s) for
    /// up to <paramref name="within"/>; returns how long it took.
    /// </summary>
    public static async Task<TimeSpan> HearsWithinAsync(AppSocket speaker, AppSocket listener, double hz, string what, TimeSpan within)
    {
        var shares = new List<double>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            var share = await ToneHeardAsync(speaker, listener, hz);
            if (share > 0.2) return waited.Elapsed;
            shares.Add(share);
        }
        while (waited.Elapsed < within);
        Assert.Fail($"{what}: not heard within {within} (tone shares {string.Join(", ", shares.Select(s => s.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))})");
        return waited.Elapsed;
    }

    public string Output() => string.Join("\n", Nodes.Select(n => n is null ? "" : $"--- {n.NodeId}:\n{n.Output()}"));

    public async ValueTask DisposeAsync()
    {
        await ClusterTeardown.RunAsync(null, Nodes, _work);
        await Sockets.DisposeAsync();
        await Hooks.DisposeAsync();
        Http.Dispose();
    }
}
