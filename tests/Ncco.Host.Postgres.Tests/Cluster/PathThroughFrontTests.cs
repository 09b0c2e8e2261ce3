using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ncco.Host.Postgres.Tests.Support;
using Ncco.Tests.Shared;

namespace Ncco.Host.Postgres.Tests.Cluster;

/// <summary>
/// A phone registered through the Kamailio front (<c>deploy/kamailio/kamailio.cfg</c>, which adds a <c>Path</c>) is
/// called from the node that did not take its REGISTER: the INVITE goes to the front, which loose-routes it to the
/// phone rather than dispatching it to a node; and the phone stays reachable once the node that took the REGISTER is
/// killed. Two nodes on 127.0.0.2/.3 as real processes, the front on 127.0.0.1, the phone on 127.0.0.5 (its REGISTER
/// sent by the test, SIPp answering on the same address and port, as one phone would).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PathThroughFrontTests(PostgresServer server)
{
    private const string Key = "pathkey1";
    private const string Secret = "PathSecret12345";
    private const string PhoneAddress = "127.0.0.5";

    [Fact]
    public async Task A_phone_registered_through_the_front_is_reached_from_the_other_node_and_after_its_registrar_node_is_killed()
    {
        var database = await server.CreateDatabaseAsync();
        var work = Directory.CreateTempSubdirectory("ncco-path-").FullName;
        var nodes = new NodeProcess?[2];
        KamailioFront? front = null;
        try
        {
            var ports = Enumerable.Range(0, 2).Select(_ => (Http: Sipp.FreeTcpPort(), Sip: Sipp.FreeUdpPort())).ToArray();
            var bobsApplication = Guid.NewGuid().ToString();
            for (var i = 0; i < 2; i++)
            {
                nodes[i] = NodeProcess.StartInCluster(i, ports[i], work, database, (Key, Secret), (44000 + (i * 500), 44499 + (i * 500)),
                [
                    // The phones' domain is the front's address, on every node.
                    "--Ncco:Sip:Domain=127.0.0.1", "--Ncco:Sip:Users:bob:Password=bobpw", $"--Ncco:Sip:Users:bob:Application={bobsApplication}",
                    "--Ncco:Limits:CallsPerSecondPerSource=0",
                ]);
            }
            await Task.WhenAll(nodes.Select(n => n!.WaitReadyAsync(TimeSpan.FromSeconds(90))));
            front = await KamailioFront.StartAsync(nodes.Select(n => n!.SipUri), Sipp.FreeUdpPort());
            await Eventually.ReturnsAsync(front.StatesAsync, s => s.Count == 2 && s.Values.All(f => f.StartsWith('A')), "the front probing both nodes active",
                TimeSpan.FromSeconds(20));

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var application = await TestApplication.CreateAsync(http, new Uri(nodes[0]!.BaseUrl, "/v2/applications"), "path", "http://127.0.0.1:9/events",
                authorization: new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Key + ":" + Secret))));

            // The phone registers through the front; the front's log says which node took it.
            var phonePort = await RegisterThroughFrontAsync(front.Port);
            var registrar = Array.FindIndex(nodes, n => front.Logged($"REGISTER of sip:bob@127.0.0.1 to {n!.SipUri}"));
            Assert.True(registrar >= 0, "the front did not log which node took the REGISTER:\n" + front.Output());
            var other = nodes[1 - registrar]!;

            // The node that did not take the REGISTER calls bob: through the front, by the Path.
            await CallBobAsync(http, other, application, front, phonePort);

            // The node that took it dies; once the front has marked it inactive, bob is still reachable.
            await nodes[registrar]!.KillAsync();
            await Eventually.ReturnsAsync(front.StatesAsync, s => s[nodes[registrar]!.SipUri].StartsWith('I'), "the front marking the killed node inactive",
                TimeSpan.FromSeconds(20));
            await CallBobAsync(http, other, application, front, phonePort);
        }
        finally
        {
            await ClusterTeardown.RunAsync(front, nodes, work);
        }
    }

    /// <summary>
    /// Calls bob through the REST API of <paramref name="node"/> while SIPp plays his phone on the address he registered;
    /// SIPp checks the INVITE came through the front (its Record-Route) to his contact, and takes the BYE.
    /// </summary>
    private static async Task CallBobAsync(HttpClient http, NodeProcess node, TestApplication application, KamailioFront front, int phonePort)
    {
        var limit = TimeSpan.FromSeconds(40);
        var phone = Sipp.RunAsync(
        [
            "-i", PhoneAddress, "-p", phonePort.ToString(CultureInfo.InvariantCulture), "-m", "1", "-nostdin", "-timeout", "30s", "-timeout_error",
            "-recv_timeout", "25s",
            "-sf", Sipp.Scenario("Scenarios/uas-phone-behind-front.xml"),
        ], limit);
        // SIPp binds its port at once; give it a moment before the INVITE can arrive.
        await Task.Delay(300);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(node.BaseUrl, "/v1/calls"))
        {
            Content = JsonContent.Create(new
            {
                to = new[] { new { type = "sip", uri = "sip:bob@127.0.0.1" } },
                from = new { type = "phone", number = "447700900000" },
                ncco = new[] { new { action = "talk", text = "Hello Bob." } },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", application.Jwt());
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /v1/calls on {node.NodeId}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var result = await phone;
        Assert.True(result.ExitCode == 0, $"bob's phone (SIPp) exit {result.ExitCode} on the call from {node.NodeId}:\n{result.Output}\n{node.Output()}\nfront:\n{front.Output()}");
        Assert.True(front.Logged($"INVITE from node {node.Address}:{node.SipPort} to sip:bob@{PhoneAddress}:{phonePort}"), "the front did not route the call by bob's Path:\n" + front.Output());
    }

    /// <summary>
    /// REGISTERs bob (digest, SHA-256) through the front from a socket on <see cref="PhoneAddress"/>, with that socket's
    /// address as his contact, and frees the socket for SIPp to answer on; returns its port.
    /// </summary>
    private static async Task<int> RegisterThroughFrontAsync(int frontPort)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Parse(PhoneAddress), 0));
        var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        var front = new IPEndPoint(IPAddress.Loopback, frontPort);
        var uri = $"sip:127.0.0.1:{frontPort}";
        var callId = Guid.NewGuid().ToString("N");
        string Register(int cseq, string? authorization) =>
            $"REGISTER {uri} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP {PhoneAddress}:{port};branch=z9hG4bK{Guid.NewGuid():N};rport\r\n" +
            "Max-Forwards: 70\r\n" +
            $"From: <sip:bob@127.0.0.1>;tag={callId[..8]}\r\n" +
            "To: <sip:bob@127.0.0.1>\r\n" +
            $"Call-ID: {callId}@{PhoneAddress}\r\n" +
            $"CSeq: {cseq} REGISTER\r\n" +
            $"Contact: <sip:bob@{PhoneAddress}:{port}>\r\n" +
            "Expires: 300\r\n" +
            (authorization is null ? "" : $"Authorization: {authorization}\r\n") +
            "Content-Length: 0\r\n\r\n";

        var challenge = await ExchangeAsync(udp, front, Register(1, null));
        Assert.True(challenge.StartsWith("SIP/2.0 401", StringComparison.Ordinal), "REGISTER through the front was not challenged:\n" + challenge);
        var sha = Regex.Match(challenge, "WWW-Authenticate: Digest ([^\r\n]*algorithm=SHA-256[^\r\n]*)", RegexOptions.IgnoreCase);
        Assert.True(sha.Success, "no SHA-256 digest challenge:\n" + challenge);
        string Param(string name) => Regex.Match(sha.Groups[1].Value, name + "=\"?([^\",]*)\"?").Groups[1].Value;
        var (realm, nonce, opaque) = (Param("realm"), Param("nonce"), Param("opaque"));
        static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        var cnonce = Guid.NewGuid().ToString("N")[..16];
        var response = Hash($"{Hash($"bob:{realm}:bobpw")}:{nonce}:00000001:{cnonce}:auth:{Hash($"REGISTER:{uri}")}");
        var authorization = $"Digest username=\"bob\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\", algorithm=SHA-256, " +
            $"qop=auth, nc=00000001, cnonce=\"{cnonce}\"" + (opaque.Length > 0 ? $", opaque=\"{opaque}\"" : "");
        var ok = await ExchangeAsync(udp, front, Register(2, authorization));
        Assert.True(ok.StartsWith("SIP/2.0 200", StringComparison.Ordinal), "REGISTER through the front was refused:\n" + ok);
        Assert.Contains("Path: <sip:127.0.0.1:" + frontPort.ToString(CultureInfo.InvariantCulture), ok, StringComparison.OrdinalIgnoreCase);
        return port;
    }

    /// <summary>Sends a request (again every 500 ms, as over UDP) and returns its final response.</summary>
    private static async Task<string> ExchangeAsync(UdpClient udp, IPEndPoint to, string request)
    {
        var bytes = Encoding.ASCII.GetBytes(request);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await udp.SendAsync(bytes, to, timeout.Token);
        while (true)
        {
            var receive = udp.ReceiveAsync(timeout.Token).AsTask();
            if (await Task.WhenAny(receive, Task.Delay(500, timeout.Token)) != receive)
            {
                await udp.SendAsync(bytes, to, timeout.Token);
                await receive;
            }
            var text = Encoding.ASCII.GetString((await receive).Buffer);
            if (!text.StartsWith("SIP/2.0 1", StringComparison.Ordinal)) return text;
        }
    }
}
