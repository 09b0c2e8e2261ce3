using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ncco.Host.Postgres.Tests.Support;
using Ncco.Host.Tests.MediaPlane;
using Ncco.Tests.Shared;
using Npgsql;
using Xunit.Abstractions;
using static Ncco.Host.Postgres.Tests.Support.ClusterCommands;

namespace Ncco.Host.Postgres.Tests.Cluster;

/// <summary>
/// Redirect before answer through the real front: two node processes on 127.0.0.2/.3 sharing one PostgreSQL, Kamailio
/// with the shipped configuration on 127.0.0.1. Node 1 hosts conversation "room" (a WebSocket leg created on it joins
/// first). SIPp callers dial the application's number through the front, which spreads them round-robin over both
/// nodes; each one's answer NCCO joins "room". A caller that reaches node 2 is sent, before answer, to node 1 with a
/// 302 the front follows: the caller sees only node 1's 200, its media and leg are node 1's, and the application sees
/// one call per caller (one uuid; started/ringing from node 2, answered/completed from node 1; the answer webhook asked
/// once). Prints the INVITE→200 times of callers answered directly and of redirected ones.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RedirectBeforeAnswerTests(PostgresServer server, ITestOutputHelper output)
{
    private const string Key = "redirectkey";
    private const string Secret = "redirect-secret-0123";
    private const string Number = "447700900456";
    // The bench (bench/cluster/RESULTS.md) runs more callers: NCCO_REDIRECT_CALLS, NCCO_REDIRECT_HOLD_MS.
    private static readonly int Calls = Setting("NCCO_REDIRECT_CALLS", 10, 4, 200);
    private static readonly int HoldMs = Setting("NCCO_REDIRECT_HOLD_MS", 2000, 1500, 10_000);

    private static int Setting(string name, int fallback, int min, int max) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? Math.Clamp(value, min, max) : fallback;

    [Fact]
    public async Task A_caller_arriving_at_another_node_is_redirected_before_answer_to_the_node_hosting_its_conversation()
    {
        var database = await server.CreateDatabaseAsync();
        var work = Directory.CreateTempSubdirectory("ncco-redirect-").FullName;
        await using var hooks = await EventSink.StartAsync();
        await using var sockets = await AppSocketServer.StartAsync();
        var nodes = new NodeProcess?[2];
        KamailioFront? front = null;
        try
        {
            var ports = Enumerable.Range(0, 2).Select(_ => (Http: Sipp.FreeTcpPort(), Sip: Sipp.FreeUdpPort())).ToArray();
            for (var i = 0; i < 2; i++)
            {
                nodes[i] = NodeProcess.StartInCluster(i, ports[i], work, database, (Key, Secret), (45000 + (i * 500), 45499 + (i * 500)),
                    ["--Ncco:Limits:CallsPerSecondPerSource=0", "--Ncco:Calls:RateLimitPerSecond=0"]);
            }
            await Task.WhenAll(nodes.Select(n => n!.WaitReadyAsync(TimeSpan.FromSeconds(90))));
            front = await KamailioFront.StartAsync(nodes.Select(n => n!.SipUri), Sipp.FreeUdpPort());
            await Eventually.ReturnsAsync(front.StatesAsync, s => s.Count == 2 && s.Values.All(f => f.StartsWith('A')), "the front probing both nodes active",
                TimeSpan.FromSeconds(20));
            var (host, other) = (nodes[0]!, nodes[1]!);

            await using var store = new NpgsqlConnection(database);
            await store.OpenAsync();
            // Each node publishes the SIP address the front knows it by.
            Assert.Equal(host.SipUri, await ScalarAsync<string>(store, "SELECT sip_uri FROM cluster_nodes WHERE node_id = 'node-1'"));
            Assert.Equal(other.SipUri, await ScalarAsync<string>(store, "SELECT sip_uri FROM cluster_nodes WHERE node_id = 'node-2'"));

            // A node's first request took over 15 s on a loaded machine.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Key + ":" + Secret)));
            var application = await TestApplication.CreateAsync(http, new Uri(host.BaseUrl, "/v2/applications"), "redirect", hooks.Url,
                answerUrl: hooks.Base + "/answer", authorization: basic);
            await FormAsync(http, basic, new Uri(host.BaseUrl, "/number/buy"), ("country", "GB"), ("msisdn", Number));
            await FormAsync(http, basic, new Uri(other.BaseUrl, "/number/update"), ("country", "GB"), ("msisdn", Number), ("app_id", application.Id));
            var answers = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
            hooks.Answer = uuid =>
            {
                answers.AddOrUpdate(uuid, 1, (_, n) => n + 1);
                return new object[] { new { action = "conversation", name = "room" } };
            };

            // Node 1 hosts "room": a WebSocket leg created there joins it first.
            var anchor = await application.AnchorConversationAsync(http, host.BaseUrl, sockets, "room");
            Assert.NotNull(anchor);
            var room = await Eventually.ReturnsAsync(
                () => ScalarAsync<string>(store, "SELECT node_id || ' ' || conversation_id FROM conversation_hosts WHERE name = 'room'"),
                r => r?.StartsWith("node-1 ", StringComparison.Ordinal) == true, "node 1 hosting conversation room", TimeSpan.FromSeconds(20));
            var roomUuid = room![7..];

            // The callers, one at a time through the front (round-robin: every other one reaches node 2 first).
            var scenario = Path.Combine(work, "uac-timed.xml");
            await File.WriteAllTextAsync(scenario, (await File.ReadAllTextAsync(Sipp.Scenario("Scenarios/uac-timed.xml")))
                .Replace("@HOLD_MS@", HoldMs.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
            var sippLog = Path.Combine(work, "sipp.log");
            var sippErrors = Path.Combine(work, "sipp-errors.log");
            var sippLimit = TimeSpan.FromSeconds(40 + (Calls * ((HoldMs / 1000.0) + 1.5)));
            var sipp = Sipp.RunAsync(
            [
                "-i", "127.0.0.1", "-p", Sipp.FreeUdpPort().ToString(CultureInfo.InvariantCulture), "-nostdin", "-s", Number, "-sf", scenario,
                "-m", Calls.ToString(CultureInfo.InvariantCulture), "-r", "2", "-l", "1",
                "-timeout", ((int)sippLimit.TotalSeconds - 10).ToString(CultureInfo.InvariantCulture) + "s", "-recv_timeout", "20s", "-trace_logs", "-log_file", sippLog, "-trace_err", "-error_file", sippErrors, $"127.0.0.1:{front.Port}",
            ], sippLimit);

            async Task<List<(string Uuid, string Owner, string Status, bool Ended, string Conversation)>> CallRowsAsync()
            {
                await using var query = new NpgsqlCommand(
                    "SELECT uuid, owner_node, status, end_time IS NOT NULL, conversation_uuid FROM calls WHERE direction = 'inbound' ORDER BY created_at", store);
                var rows = new List<(string, string, string, bool, string)>();
                await using var reader = await query.ExecuteReaderAsync();
                while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3), reader.GetString(4)));
                return rows;
            }
            async Task<HashSet<string>> RedirectedAsync()
            {
                // A redirected call's first events were written by node 2, its row by node 1.
                await using var query = new NpgsqlCommand(
                    "SELECT DISTINCT e.call_uuid FROM call_events e JOIN calls c ON c.uuid = e.call_uuid WHERE e.owner_node = 'node-2' AND c.direction = 'inbound'", store);
                var uuids = new HashSet<string>();
                await using var reader = await query.ExecuteReaderAsync();
                while (await reader.ReadAsync()) uuids.Add(reader.GetString(0));
                return uuids;
            }

            // While a redirected caller is up, it is node 1's leg, in node 1's room, and node 2 runs nothing.
            var seenLive = false;
            (int Host, int Other) lastActive = default;
            var lastSeen = "";
            var deadline = DateTime.UtcNow + sippLimit;
            while (!seenLive && !sipp.IsCompleted && DateTime.UtcNow < deadline)
            {
                var redirected = await RedirectedAsync();
                var current = await CallRowsAsync();
                var snapshot = $"{redirected.Count} redirected, live rows: {string.Join("; ", current.Where(c => !c.Ended).Select(c => $"{c.Uuid} {c.Owner} {c.Status} {(redirected.Contains(c.Uuid) ? "redirected" : "")}"))}";
                if (!lastSeen.Contains(snapshot, StringComparison.Ordinal) && lastSeen.Length < 20_000) lastSeen += "\n" + snapshot;
                foreach (var call in current.Where(c => redirected.Contains(c.Uuid) && !c.Ended && c.Status == "answered"))
                {
                    using var get = new HttpRequestMessage(HttpMethod.Get, new Uri(host.BaseUrl, "/v1/calls/" + call.Uuid));
                    get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", application.Jwt());
                    using var live = await http.SendAsync(get);
                    var body = await live.Content.ReadAsStringAsync();
                    if (!lastSeen.EndsWith(body, StringComparison.Ordinal)) lastSeen += $"\nGET {call.Uuid} on node 1: {(int)live.StatusCode} {body}";
                    if (live.StatusCode != HttpStatusCode.OK) continue;
                    var leg = JsonDocument.Parse(body).RootElement;
                    if (leg.GetProperty("status").GetString() != "answered") continue;
                    // Its NCCO moved it into the room on node 1 (the transfer event, written by node 1).
                    if (!hooks.Events.Any(e => e.TryGetProperty("uuid", out var u) && u.GetString() == call.Uuid
                            && e.TryGetProperty("conversation_uuid_to", out var to) && to.GetString() == roomUuid)) continue;
                    Assert.Equal("node-1", call.Owner);
                    if (await ScalarAsync<string>(store, $"SELECT owner_node FROM call_events WHERE call_uuid = '{call.Uuid}' AND kind = 'transfer'") is not { } mover) continue;
                    Assert.Equal("node-1", mover);
                    // Node 1 runs the anchor and this caller, media included (no bridge, no stand-in); node 2 runs nothing.
                    // Read again while a previous caller's end settles.
                    lastActive = (await ActiveLegsAsync(http, basic, host), await ActiveLegsAsync(http, basic, other));
                    var media = (await GaugeAsync(http, host, "ncco_media_legs_active"), await GaugeAsync(http, other, "ncco_media_legs_active"));
                    lastSeen += $"\nactive legs {lastActive}, media legs {media}";
                    if (lastActive != (2, 0) || media != (2, 0)) continue;
                    seenLive = true;
                    break;
                }
                await Task.Delay(150);
            }
            Assert.True(seenLive, $"no redirected caller was seen live on node 1 alone (active legs last seen: node 1 {lastActive.Host}, node 2 {lastActive.Other}); last seen: {lastSeen[..Math.Min(lastSeen.Length, 3000)]}\n--- node 1:\n" + host.Output() + "\n--- node 2:\n" + other.Output());

            var result = await sipp;
            var log = File.Exists(sippLog) ? await File.ReadAllLinesAsync(sippLog) : [];
            var errors = File.Exists(sippErrors) ? await File.ReadAllLinesAsync(sippErrors) : [];
            Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}\n{string.Join('\n', log.TakeLast(20))}\nSIPp errors:\n{string.Join('\n', errors.TakeLast(60))}\nfront:\n{front.Output()}\n{other.Output()}");
            Assert.Equal(Calls, log.Count(l => l.Contains("local-bye", StringComparison.Ordinal)));

            // Every caller ended on node 1, in the room; the ones node 2 took first were redirected, none was bridged.
            var rows = await Eventually.ReturnsAsync(CallRowsAsync, r => r.Count == Calls && r.All(c => c.Ended), "every caller's record final", TimeSpan.FromSeconds(15));
            var redirectedCalls = await RedirectedAsync();
            // Round-robin over two nodes: about half the callers reached node 2 first.
            Assert.InRange(redirectedCalls.Count, 1, Calls - 1);
            Assert.All(rows, c =>
            {
                Assert.Equal("node-1", c.Owner);
                Assert.Equal("completed", c.Status);
                Assert.Equal(roomUuid, c.Conversation);
            });
            Assert.True(front.Logged("redirected from " + other.SipUri + " to node " + host.SipUri), "the front did not log a redirect:\n" + front.Output());

            // One call per caller for the application: each uuid started, rang, answered and completed once, its answer
            // webhook asked once.
            await Eventually.ReturnsAsync(() => Task.FromResult(rows.All(c => hooks.StatusEvents(c.Uuid, "completed").Count == 1)), ok => ok,
                "one completed event per caller", TimeSpan.FromSeconds(15));
            foreach (var call in rows)
            {
                foreach (var status in (string[])["started", "ringing", "answered", "completed"])
                {
                    Assert.True(hooks.StatusEvents(call.Uuid, status).Count == 1, $"{call.Uuid} ({(redirectedCalls.Contains(call.Uuid) ? "redirected" : "direct")}): " +
                        $"{hooks.StatusEvents(call.Uuid, status).Count} '{status}' events");
                }
                Assert.Equal(1, answers.GetValueOrDefault(call.Uuid));
            }
            Assert.Equal(0, await ScalarAsync<long>(store, "SELECT count(*) FROM inbound_handoffs"));

            // INVITE→200 as the caller saw it (wall clock around SIPp's INVITE and its 200), direct vs redirected.
            var direct = new List<double>();
            var redirectedTimes = new List<double>();
            foreach (var line in log.Where(l => l.Contains("setup ", StringComparison.Ordinal)))
            {
                var parts = line[(line.IndexOf("setup ", StringComparison.Ordinal) + 6)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var ms = ((double.Parse(parts[3], CultureInfo.InvariantCulture) - double.Parse(parts[1], CultureInfo.InvariantCulture)) * 1000)
                    + ((double.Parse(parts[4], CultureInfo.InvariantCulture) - double.Parse(parts[2], CultureInfo.InvariantCulture)) / 1000);
                (front.Logged(parts[0] + "} <script>: ncco-front: INVITE redirected") ? redirectedTimes : direct).Add(ms);
            }
            Assert.Equal(Calls, direct.Count + redirectedTimes.Count);
            Assert.Equal(redirectedCalls.Count, redirectedTimes.Count);
            output.WriteLine(Summary("direct", direct));
            output.WriteLine(Summary("redirected", redirectedTimes));
        }
        finally
        {
            await ClusterTeardown.RunAsync(front, nodes, work);
        }
    }

    private static string Summary(string what, List<double> ms)
    {
        if (ms.Count == 0) return what + ": no call";
        var sorted = ms.Order().ToArray();
        return string.Create(CultureInfo.InvariantCulture,
            $"INVITE->200 {what}: n={sorted.Length} median={sorted[sorted.Length / 2]:0.0} ms min={sorted[0]:0.0} max={sorted[^1]:0.0} ({string.Join(", ", ms.Select(m => m.ToString("0.0", CultureInfo.InvariantCulture)))})");
    }

    private static async Task<int> ActiveLegsAsync(HttpClient http, AuthenticationHeaderValue basic, NodeProcess node)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node.BaseUrl, "/admin/drain"));
        request.Headers.Authorization = basic;
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /admin/drain on {node.NodeId}: {response.StatusCode}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("active_legs").GetInt32();
    }

    private static async Task<double> GaugeAsync(HttpClient http, NodeProcess node, string metric)
    {
        var text = await http.GetStringAsync(new Uri(node.BaseUrl, "/metrics"));
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(metric, StringComparison.Ordinal) && (l.Length == metric.Length || l[metric.Length] is ' ' or '{'));
        Assert.True(line is not null, $"{metric} is not in {node.NodeId}'s /metrics");
        return double.Parse(line![(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }
}
