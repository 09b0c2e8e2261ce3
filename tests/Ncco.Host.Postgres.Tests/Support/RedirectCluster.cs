using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Ncco.Host.Tests.MediaPlane;
using Ncco.Tests.Shared;
using Npgsql;
using static Ncco.Host.Postgres.Tests.Support.ClusterCommands;

namespace Ncco.Host.Postgres.Tests.Support;

/// <summary>
/// The redirect-before-answer set-up the hand-off tests share: node processes on one PostgreSQL database, the shipped
/// Kamailio in front, an application whose number routes to it and whose answer NCCO joins conversation "room", and
/// node 1 hosting "room" through a WebSocket leg. Callers are SIPp runs through the front (<see cref="CallAsync"/>).
/// </summary>
public sealed class RedirectCluster : IAsyncDisposable
{
    private readonly string _work;
    private readonly AppSocketServer _sockets;
    private readonly NpgsqlConnection _store;

    private RedirectCluster(string work, EventSink hooks, AppSocketServer sockets, NpgsqlConnection store, NodeProcess?[] nodes)
    {
        _work = work;
        Hooks = hooks;
        _sockets = sockets;
        _store = store;
        Nodes = nodes;
    }

    public const string Number = "447700900459";

    public EventSink Hooks { get; }

    public NodeProcess?[] Nodes { get; }

    public KamailioFront Front { get; private set; } = null!;

    public TestApplication Application { get; private set; } = null!;

    /// <summary>How many times the answer webhook was asked, per call uuid.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> Answers { get; } = new();

    /// <summary>
    /// Starts <paramref name="count"/> nodes with <paramref name="settings"/> (given the application's id, which settings
    /// such as <c>Ncco:Sip:Users</c> need: the nodes are started once without them to create the application, then
    /// restarted with them), the front, the application and its number, and node 1 hosting "room". Every node starts with
    /// <paramref name="everyStart"/> (logging, say), which need no restart.
    /// </summary>
    public static async Task<RedirectCluster> StartAsync(PostgresServer server, string name, int count, Func<string, IEnumerable<string>>? settings = null,
        IReadOnlyList<string>? everyStart = null)
    {
        var database = await server.CreateDatabaseAsync();
        var work = Directory.CreateTempSubdirectory("ncco-" + name + "-").FullName;
        var hooks = await EventSink.StartAsync();
        var sockets = await AppSocketServer.StartAsync();
        var store = new NpgsqlConnection(database);
        await store.OpenAsync();
        var cluster = new RedirectCluster(work, hooks, sockets, store, new NodeProcess?[count]);
        try
        {
            var key = name + "key";
            var secret = name + "-secret-0123";
            var ports = Enumerable.Range(0, count).Select(_ => (Http: Sipp.FreeTcpPort(), Sip: Sipp.FreeUdpPort())).ToArray();
            NodeProcess StartNode(int i, IEnumerable<string> extra) =>
                NodeProcess.StartInCluster(i, ports[i], work, database, (key, secret), (48000 + (i * 300), 48299 + (i * 300)),
                    ["--Ncco:Limits:CallsPerSecondPerSource=0", "--Ncco:Calls:RateLimitPerSecond=0", .. everyStart ?? [], .. extra]);

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":" + secret)));
            cluster.Nodes[0] = StartNode(0, []);
            await cluster.Nodes[0]!.WaitReadyAsync(TimeSpan.FromSeconds(90));
            var first = cluster.Nodes[0]!;
            cluster.Application = await TestApplication.CreateAsync(http, new Uri(first.BaseUrl, "/v2/applications"), name, hooks.Url,
                answerUrl: hooks.Base + "/answer", authorization: basic);
            await FormAsync(http, basic, new Uri(first.BaseUrl, "/number/buy"), ("country", "GB"), ("msisdn", Number));
            await FormAsync(http, basic, new Uri(first.BaseUrl, "/number/update"), ("country", "GB"), ("msisdn", Number), ("app_id", cluster.Application.Id));
            var extra = settings?.Invoke(cluster.Application.Id).ToArray() ?? [];
            if (extra.Length > 0)
            {
                await first.DisposeAsync();
                cluster.Nodes[0] = StartNode(0, extra);
            }
            for (var i = 1; i < count; i++) cluster.Nodes[i] = StartNode(i, extra);
            await Task.WhenAll(cluster.Nodes.Select(n => n!.WaitReadyAsync(TimeSpan.FromSeconds(90))));
            cluster.Front = await KamailioFront.StartAsync(cluster.Nodes.Select(n => n!.SipUri), Sipp.FreeUdpPort());
            await Eventually.ReturnsAsync(cluster.Front.StatesAsync, s => s.Count == count && s.Values.All(f => f.StartsWith('A')), "the front probing every node active",
                TimeSpan.FromSeconds(20));
            hooks.Answer = uuid =>
            {
                cluster.Answers.AddOrUpdate(uuid, 1, (_, n) => n + 1);
                return new object[] { new { action = "conversation", name = "room" } };
            };
            Assert.NotNull(await cluster.Application.AnchorConversationAsync(http, cluster.Nodes[0]!.BaseUrl, sockets, "room"));
            await Eventually.ReturnsAsync(() => cluster.ScalarAsync<string>("SELECT node_id FROM conversation_hosts WHERE name = 'room'"),
                r => r == "node-1", "node 1 hosting conversation room", TimeSpan.FromSeconds(20));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs SIPp scenario <paramref name="scenario"/> (under Scenarios/, <c>@HOLD_MS@</c> replaced) through the front for
    /// <paramref name="calls"/> callers one after the other; returns its exit code, output and log lines.
    /// </summary>
    public Task<(int ExitCode, string Output, string[] Log)> CallAsync(string scenario, int calls, int holdMs, params string[] extra) =>
        CallAsync(scenario, calls, holdMs, whileCalling: null, extra);

    /// <summary>
    /// As <see cref="CallAsync(string, int, int, string[])"/>, running <paramref name="whileCalling"/> (stopping a node, say)
    /// as soon as SIPp has started.
    /// </summary>
    public async Task<(int ExitCode, string Output, string[] Log)> CallAsync(string scenario, int calls, int holdMs, Func<Task>? whileCalling, params string[] extra)
    {
        var file = Path.Combine(_work, Path.GetFileName(scenario));
        await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(Sipp.Scenario(scenario))).Replace("@HOLD_MS@", holdMs.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        var log = Path.Combine(_work, $"sipp-{Guid.NewGuid():N}.log");
        var errors = log + ".errors";
        var run = Sipp.RunAsync(
        [
            "-i", "127.0.0.1", "-p", Sipp.FreeUdpPort().ToString(CultureInfo.InvariantCulture), "-nostdin", "-s", Number, "-sf", file,
            "-m", calls.ToString(CultureInfo.InvariantCulture), "-r", "10", "-l", "1", "-timeout", "50s", "-recv_timeout", "20s",
            "-trace_logs", "-log_file", log, "-trace_err", "-error_file", errors, .. extra, $"127.0.0.1:{Front.Port}",
        ], TimeSpan.FromSeconds(60));
        if (whileCalling is not null) await whileCalling();
        var result = await run;
        var lines = File.Exists(log) ? await File.ReadAllLinesAsync(log) : [];
        var output = result.Output + (File.Exists(errors) ? "\nSIPp errors:\n" + await File.ReadAllTextAsync(errors) : "");
        return (result.ExitCode, output, lines);
    }

    /// <summary>The Call-IDs SIPp logged with <paramref name="marker"/> (a <c>log</c> action writing "marker [call_id]").</summary>
    public static IReadOnlyList<string> Logged(string[] log, string marker) =>
        log.Where(l => l.Contains(marker + " ", StringComparison.Ordinal)).Select(l => l[(l.IndexOf(marker + " ", StringComparison.Ordinal) + marker.Length + 1)..].Split(' ')[0]).ToList();

    /// <summary>The inbound calls' rows: uuid, owner, status, ended.</summary>
    public async Task<List<(string Uuid, string Owner, string Status, bool Ended)>> InboundCallsAsync()
    {
        await using var query = new NpgsqlCommand("SELECT uuid, owner_node, status, end_time IS NOT NULL FROM calls WHERE direction = 'inbound' ORDER BY created_at", _store);
        var rows = new List<(string, string, string, bool)>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3)));
        return rows;
    }

    /// <summary>
    /// The application saw exactly the calls in <paramref name="uuids"/>, each once: one started, ringing, answered and
    /// completed event, one answer webhook request.
    /// </summary>
    public async Task AssertOneCallPerCallerAsync(IReadOnlyCollection<string> uuids)
    {
        await Eventually.ReturnsAsync(() => Task.FromResult(uuids.All(u => Hooks.StatusEvents(u, "completed").Count >= 1)), ok => ok, "every call's completed event",
            TimeSpan.FromSeconds(20));
        var heard = Hooks.Events.Where(e => e.TryGetProperty("status", out _) && e.TryGetProperty("direction", out var d) && d.GetString() == "inbound")
            .Select(e => e.GetProperty("uuid").GetString()!).ToHashSet();
        Assert.True(heard.SetEquals(uuids), $"the application heard of calls {string.Join(", ", heard)}; expected {string.Join(", ", uuids)}");
        foreach (var uuid in uuids)
        {
            foreach (var status in (string[])["started", "ringing", "answered", "completed"])
            {
                Assert.True(Hooks.StatusEvents(uuid, status).Count == 1, $"{uuid}: {Hooks.StatusEvents(uuid, status).Count} '{status}' events");
            }
            Assert.Equal(1, Answers.GetValueOrDefault(uuid));
        }
    }

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        return await ClusterCommands.ScalarAsync<T>(_store, sql);
    }

    public async ValueTask DisposeAsync()
    {
        if (Front is not null) await Front.DisposeAsync();
        foreach (var node in Nodes)
        {
            if (node is not null) await node.DisposeAsync();
        }
        await _store.DisposeAsync();
        await _sockets.DisposeAsync();
        await Hooks.DisposeAsync();
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
