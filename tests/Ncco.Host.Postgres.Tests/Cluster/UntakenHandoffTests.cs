using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Ncco.Host.Postgres.Tests.Support;
using Ncco.Host.Tests.MediaPlane;
using Ncco.Tests.Shared;
using Npgsql;
using static Ncco.Host.Postgres.Tests.Support.ClusterCommands;

namespace Ncco.Host.Postgres.Tests.Cluster;

/// <summary>
/// A hand-off no node takes: node 1 hosts conversation "room"; a caller reaches node 2 directly (a socket of the test
/// that puts a Record-Route in its INVITE, as the front would, and follows no redirect), so node 2 answers 302 and
/// nobody ever continues the call. Once the hand-off's lifetime (3 s here) has passed, node 2 takes the record back and
/// ends the call: its row <c>failed</c> with an end time, one <c>failed</c> event (never <c>answered</c> or
/// <c>completed</c>), no hand-off row left.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class UntakenHandoffTests(PostgresServer server)
{
    private const string Key = "untakenkey";
    private const string Secret = "untaken-secret-0123";
    private const string Number = "447700900457";

    [Fact]
    public async Task A_call_whose_hand_off_nobody_takes_is_ended_as_failed_by_the_node_that_redirected_it()
    {
        var database = await server.CreateDatabaseAsync();
        var work = Directory.CreateTempSubdirectory("ncco-untaken-").FullName;
        await using var hooks = await EventSink.StartAsync();
        await using var sockets = await AppSocketServer.StartAsync();
        var nodes = new NodeProcess?[2];
        try
        {
            for (var i = 0; i < 2; i++)
            {
                nodes[i] = NodeProcess.StartInCluster(i, (Sipp.FreeTcpPort(), Sipp.FreeUdpPort()), work, database, (Key, Secret), (46000 + (i * 500), 46499 + (i * 500)),
                    ["--Ncco:Limits:CallsPerSecondPerSource=0", "--Ncco:Calls:RateLimitPerSecond=0", "--Ncco:Cluster:HandoffLifetime=00:00:03"]);
            }
            await Task.WhenAll(nodes.Select(n => n!.WaitReadyAsync(TimeSpan.FromSeconds(90))));
            var (host, other) = (nodes[0]!, nodes[1]!);
            await using var store = new NpgsqlConnection(database);
            await store.OpenAsync();

            // A node's first request can take long on a loaded machine.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Key + ":" + Secret)));
            var application = await TestApplication.CreateAsync(http, new Uri(host.BaseUrl, "/v2/applications"), "untaken", hooks.Url,
                answerUrl: hooks.Base + "/answer", authorization: basic);
            await FormAsync(http, basic, new Uri(host.BaseUrl, "/number/buy"), ("country", "GB"), ("msisdn", Number));
            await FormAsync(http, basic, new Uri(other.BaseUrl, "/number/update"), ("country", "GB"), ("msisdn", Number), ("app_id", application.Id));
            hooks.Answer = _ => new object[] { new { action = "conversation", name = "room" } };

            Assert.NotNull(await application.AnchorConversationAsync(http, host.BaseUrl, sockets, "room"));
            await Eventually.ReturnsAsync(() => ScalarAsync<string>(store, "SELECT node_id FROM conversation_hosts WHERE name = 'room'"),
                r => r == "node-1", "node 1 hosting conversation room", TimeSpan.FromSeconds(20));

            // The caller, straight to node 2, as if through a record-routing proxy that then loses the call.
            using var caller = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var callerPort = ((IPEndPoint)caller.Client.LocalEndPoint!).Port;
            var callId = Guid.NewGuid().ToString("N");
            var branch = "z9hG4bK" + callId;
            var target = new IPEndPoint(IPAddress.Parse(other.Address), other.SipPort);
            const string Sdp = "v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
            var invite = $"INVITE sip:{Number}@{other.Address}:{other.SipPort} SIP/2.0\r\n" +
                $"Via: SIP/2.0/UDP 127.0.0.1:{callerPort};branch={branch};rport\r\n" +
                $"Record-Route: <sip:127.0.0.1:{callerPort};lr>\r\n" +
                "Max-Forwards: 70\r\n" +
                "From: <sip:caller@127.0.0.1>;tag=caller1\r\n" +
                $"To: <sip:{Number}@{other.Address}>\r\n" +
                $"Call-ID: {callId}\r\n" +
                "CSeq: 1 INVITE\r\n" +
                $"Contact: <sip:caller@127.0.0.1:{callerPort}>\r\n" +
                "Content-Type: application/sdp\r\n" +
                $"Content-Length: {Sdp.Length}\r\n\r\n" + Sdp;
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await caller.SendAsync(Encoding.ASCII.GetBytes(invite), target, limit.Token);
            string final;
            while (true)
            {
                var reply = Encoding.ASCII.GetString((await caller.ReceiveAsync(limit.Token)).Buffer);
                if (reply.StartsWith("SIP/2.0 1", StringComparison.Ordinal)) continue;
                final = reply;
                break;
            }
            Assert.StartsWith("SIP/2.0 302", final, StringComparison.Ordinal);
            Assert.Contains("ncco-handoff-", final, StringComparison.Ordinal);
            var to = final.Split("\r\n").First(l => l.StartsWith("To:", StringComparison.OrdinalIgnoreCase));
            var ack = $"ACK sip:{Number}@{other.Address}:{other.SipPort} SIP/2.0\r\n" +
                $"Via: SIP/2.0/UDP 127.0.0.1:{callerPort};branch={branch};rport\r\n" +
                "Max-Forwards: 70\r\n" +
                "From: <sip:caller@127.0.0.1>;tag=caller1\r\n" +
                to + "\r\n" +
                $"Call-ID: {callId}\r\n" +
                "CSeq: 1 ACK\r\n" +
                "Content-Length: 0\r\n\r\n";
            await caller.SendAsync(Encoding.ASCII.GetBytes(ack), target, limit.Token);

            var uuid = await Eventually.ReturnsAsync(
                () => ScalarAsync<string>(store, "SELECT uuid FROM calls WHERE direction = 'inbound'"), u => u is not null, "the caller's call record", TimeSpan.FromSeconds(10));
            // Until the hand-off expires the call rings; then node 2 ends it.
            var row = await Eventually.ReturnsAsync(
                () => ScalarAsync<string>(store, $"SELECT status || ' ' || owner_node || ' ' || (end_time IS NOT NULL) FROM calls WHERE uuid = '{uuid}'"),
                r => r?.StartsWith("failed", StringComparison.Ordinal) == true, "the call ended as failed", TimeSpan.FromSeconds(30));
            Assert.Equal("failed node-2 true", row);
            var failed = await Eventually.ReturnsAsync(() => Task.FromResult(hooks.StatusEvents(uuid!, "failed")), e => e.Count >= 1, "the failed event",
                TimeSpan.FromSeconds(30));
            // Sent once, and the application never heard of an answer or a completion.
            await Task.Delay(1000);
            Assert.Single(hooks.StatusEvents(uuid!, "failed"));
            Assert.Equal("inbound", failed[0].GetProperty("direction").GetString());
            Assert.Empty(hooks.StatusEvents(uuid!, "answered"));
            Assert.Empty(hooks.StatusEvents(uuid!, "completed"));
            Assert.Equal(0L, await ScalarAsync<long>(store, "SELECT count(*) FROM inbound_handoffs"));
            Assert.Contains("no node took the hand-off of call " + uuid, other.Output(), StringComparison.Ordinal);
        }
        finally
        {
            await ClusterTeardown.RunAsync(null, nodes, work);
        }
    }
}
