using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Ncco.Host.Postgres.Tests.Support;
using Ncco.Host.Tests.MediaPlane;
using Ncco.Tests.Shared;
using Npgsql;
using Xunit.Abstractions;
using static Ncco.Host.Postgres.Tests.Support.ClusterCommands;

namespace Ncco.Host.Postgres.Tests.Cluster;

/// <summary>
/// A slow but live node behind the front: node 1 hosts conversation "room" and is stopped (<c>SIGSTOP</c>) for 1.5 s
/// while one caller dials in, twice (the front's round-robin sends one of the two callers to node 1 first, the other to
/// node 2, which redirects it to node 1). The front gives up on the silent node after its 1 s <c>fr_timer</c> and moves
/// the call on; when node 1 resumes it handles the INVITEs it was sent meanwhile. Each caller must still get exactly one
/// answer (SIPp fails on a second 200) and the application must see exactly one call per caller: no second call from the
/// abandoned branch, answered or not.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SlowNodeRedirectTests(PostgresServer server, ITestOutputHelper output)
{
    private const string Key = "slownodekey";
    private const string Secret = "slownode-secret-0123";
    private const string Number = "447700900458";
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(1800);

    [Fact]
    public async Task A_node_silent_past_the_fronts_timer_costs_no_second_answer_and_no_second_call()
    {
        var database = await server.CreateDatabaseAsync();
        var work = Directory.CreateTempSubdirectory("ncco-slownode-").FullName;
        await using var hooks = await EventSink.StartAsync();
        await using var sockets = await AppSocketServer.StartAsync();
        var nodes = new NodeProcess?[2];
        KamailioFront? front = null;
        try
        {
            for (var i = 0; i < 2; i++)
            {
                nodes[i] = NodeProcess.StartInCluster(i, (Sipp.FreeTcpPort(), Sipp.FreeUdpPort()), work, database, (Key, Secret), (47000 + (i * 500), 47499 + (i * 500)),
                    // The gateway's information lines say what became of each INVITE the stopped node found on waking.
                    ["--Ncco:Limits:CallsPerSecondPerSource=0", "--Ncco:Calls:RateLimitPerSecond=0", "--Logging:LogLevel:Ncco.Host.Sip=Information"]);
            }
            await Task.WhenAll(nodes.Select(n => n!.WaitReadyAsync(TimeSpan.FromSeconds(90))));
            front = await KamailioFront.StartAsync(nodes.Select(n => n!.SipUri), Sipp.FreeUdpPort());
            await Eventually.ReturnsAsync(front.StatesAsync, s => s.Count == 2 && s.Values.All(f => f.StartsWith('A')), "the front probing both nodes active",
                TimeSpan.FromSeconds(20));
            var (host, other) = (nodes[0]!, nodes[1]!);
            await using var store = new NpgsqlConnection(database);
            await store.OpenAsync();

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Key + ":" + Secret)));
            var application = await TestApplication.CreateAsync(http, new Uri(host.BaseUrl, "/v2/applications"), "slownode", hooks.Url,
                answerUrl: hooks.Base + "/answer", authorization: basic);
            await FormAsync(http, basic, new Uri(host.BaseUrl, "/number/buy"), ("country", "GB"), ("msisdn", Number));
            await FormAsync(http, basic, new Uri(other.BaseUrl, "/number/update"), ("country", "GB"), ("msisdn", Number), ("app_id", application.Id));
            hooks.Answer = _ => new object[] { new { action = "conversation", name = "room" } };
            var anchor = await application.AnchorConversationAsync(http, host.BaseUrl, sockets, "room");
            Assert.NotNull(anchor);
            await Eventually.ReturnsAsync(() => ScalarAsync<string>(store, "SELECT node_id FROM conversation_hosts WHERE name = 'room'"),
                r => r == "node-1", "node 1 hosting conversation room", TimeSpan.FromSeconds(20));
            // The first inbound call of a fresh process pays its JIT: one call through each node before the pause, so the
            // pause, not a cold start, is what the front sees.
            var scenario = Path.Combine(work, "uac-timed.xml");
            await File.WriteAllTextAsync(scenario, (await File.ReadAllTextAsync(Sipp.Scenario("Scenarios/uac-timed.xml")))
                .Replace("@HOLD_MS@", "1500", StringComparison.Ordinal));
            var report = new StringBuilder();
            var transcript = new StringBuilder();
            var droppedBefore = 0;
            await CallAsync("warm-up", calls: 2, pause: null);

            // Two callers, each while node 1 is stopped: one reaches node 1 first, the other node 2 (redirected to node 1).
            for (var round = 1; round <= 2; round++) await CallAsync($"round {round}", calls: 1, pause: host);

            async Task CallAsync(string name, int calls, NodeProcess? pause)
            {
                var log = Path.Combine(work, $"sipp-{name.Replace(' ', '-')}.log");
                var errors = Path.Combine(work, $"sipp-{name.Replace(' ', '-')}-errors.log");
                var sipp = Sipp.RunAsync(
                [
                    "-i", "127.0.0.1", "-p", Sipp.FreeUdpPort().ToString(CultureInfo.InvariantCulture), "-nostdin", "-s", Number, "-sf", scenario,
                    "-m", calls.ToString(CultureInfo.InvariantCulture), "-r", "10", "-l", "1", "-timeout", "40s", "-recv_timeout", "20s",
                    "-trace_logs", "-log_file", log, "-trace_err", "-error_file", errors, $"127.0.0.1:{front.Port}",
                ], TimeSpan.FromSeconds(50));
                if (pause is not null) await pause.PauseAsync(Pause);
                var result = await sipp;
                var lines = File.Exists(log) ? await File.ReadAllLinesAsync(log) : [];
                var setups = lines.Where(l => l.Contains("setup ", StringComparison.Ordinal))
                    .Select(l => l[(l.IndexOf("setup ", StringComparison.Ordinal) + 6)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
                var callIds = setups.Select(s => s[0]).ToList();
                report.AppendLine($"--- {name}: SIPp exit {result.ExitCode}, calls (INVITE->200 ms) " + string.Join(", ", setups.Select(s =>
                    string.Create(CultureInfo.InvariantCulture, $"{s[0]} ({((double.Parse(s[3], CultureInfo.InvariantCulture) - double.Parse(s[1], CultureInfo.InvariantCulture)) * 1000) + ((double.Parse(s[4], CultureInfo.InvariantCulture) - double.Parse(s[2], CultureInfo.InvariantCulture)) / 1000):0})"))));
                foreach (var callId in callIds) report.AppendLine(string.Join('\n', front.Lines(callId)));
                if (result.ExitCode != 0)
                {
                    report.AppendLine(result.Output).AppendLine(File.Exists(errors) ? await File.ReadAllTextAsync(errors) : "(no SIPp error file)");
                }
                var text = report.ToString();
                output.WriteLine(text);
                transcript.Append(text);
                report.Clear();
                Assert.True(result.ExitCode == 0, $"{name}: a caller did not get exactly one answer:\n{text}\nfront:\n{front.Output()}\n--- node 1:\n{host.Output()}\n--- node 2:\n{other.Output()}");
                Assert.Equal(calls, lines.Count(l => l.Contains("local-bye", StringComparison.Ordinal)));
                // The case under test happened: the front gave up on the stopped node 1 (a caller's first INVITE to it, or the
                // hand-off node 2 sent there) and moved the call on.
                if (pause is not null)
                {
                    Assert.True(callIds.Any(c => front.Lines(c).Any(l => l.Contains("failed over from " + host.SipUri, StringComparison.Ordinal))),
                        $"{name}: the front did not fail over from the stopped node:\n{text}");
                    // How node 1 let go of the INVITE the front had given up on is reported here, not asserted: the log line
                    // (dropped before its call started: cancelled by the front after its late 100 Trying, or superseded by the
                    // newer INVITE of the same hand-off) can come after the caller's call is over. What matters is asserted
                    // below: the application heard of no call for the abandoned branch.
                    var dropped = host.Lines("was cancelled before its call started").Length;
                    for (var waited = 0; dropped <= droppedBefore && waited < 20; waited++)
                    {
                        await Task.Delay(250);
                        dropped = host.Lines("was cancelled before its call started").Length;
                    }
                    output.WriteLine(dropped > droppedBefore
                        ? $"{name}: node 1 dropped the abandoned INVITE before its call started"
                        : $"{name}: node 1 logged no drop of the abandoned INVITE within 5 s");
                    droppedBefore = dropped;
                }
            }

            // The application saw four calls (two warm-up, two rounds): each started, rang, was answered and completed once,
            // on node 1 in the room; no call of an abandoned branch (not even one cancelled before answer).
            var rows = await Eventually.ReturnsAsync(CallRowsAsync, r => r.Count >= 4 && r.All(c => c.Ended), "every caller's record final", TimeSpan.FromSeconds(20));
            await Task.Delay(2000);
            rows = await CallRowsAsync();
            Assert.True(rows.Count == 4, $"{rows.Count} inbound calls for 4 callers: {string.Join("; ", rows)}\n{transcript}\nevents:\n{string.Join('\n', hooks.Events.Select(e => e.GetRawText()))}\n--- node 1:\n{host.Output()}");
            Assert.All(rows, c => Assert.Equal(("node-1", "completed"), (c.Owner, c.Status)));
            var uuids = hooks.Events.Where(e => e.TryGetProperty("uuid", out _) && e.TryGetProperty("status", out _) && e.TryGetProperty("direction", out var d)
                && d.GetString() == "inbound").Select(e => e.GetProperty("uuid").GetString()!).ToHashSet();
            Assert.True(uuids.SetEquals(rows.Select(r => r.Uuid)), $"calls the application heard of: {string.Join(", ", uuids)}; records: {string.Join(", ", rows.Select(r => r.Uuid))}");
            foreach (var call in rows)
            {
                foreach (var status in (string[])["started", "ringing", "answered", "completed"])
                {
                    Assert.True(hooks.StatusEvents(call.Uuid, status).Count == 1, $"{call.Uuid}: {hooks.StatusEvents(call.Uuid, status).Count} '{status}' events");
                }
            }
            Assert.Equal(0L, await ScalarAsync<long>(store, "SELECT count(*) FROM inbound_handoffs"));

            async Task<List<(string Uuid, string Owner, string Status, bool Ended)>> CallRowsAsync()
            {
                await using var query = new NpgsqlCommand("SELECT uuid, owner_node, status, end_time IS NOT NULL FROM calls WHERE direction = 'inbound' ORDER BY created_at", store);
                var found = new List<(string, string, string, bool)>();
                await using var reader = await query.ExecuteReaderAsync();
                while (await reader.ReadAsync()) found.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3)));
                return found;
            }
        }
        finally
        {
            await ClusterTeardown.RunAsync(front, nodes, work);
        }
    }
}
