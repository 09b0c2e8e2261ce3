using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Cluster;
using Ncco.Host.Legs.Sip;
using Ncco.Host.Postgres.Tests.Support;
using Ncco.Tests.Shared;

namespace Ncco.Host.Postgres.Tests.Cluster;

/// <summary>
/// A hand-off INVITE the front sent twice, the second copy reaching the node after the first already continued (and
/// answered) the call — the node stalled between them, so the hold after a stall could not tell. The test is the front
/// (a socket that adds its own Via on top, as Kamailio's <c>tm</c> does): copy 1 is answered and, as the front gave up
/// on that branch, never acknowledged; copy 2 (same Call-ID, From tag and CSeq, a new top branch: a merged request in
/// RFC 3261 §8.2.2.2's terms) must not get 482 — the front relays no answer on the branch it gave up on, so 482 on the
/// live branch is the caller lost. The leg moves onto copy 2 (same uuid: one call, one <c>answered</c>, one
/// <c>completed</c> for the application) and copy 1's dialog is ended with BYE.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class HandoffLaterBranchTests(PostgresServer server)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_later_copy_of_a_hand_off_whose_first_copy_already_answered_takes_the_call_over_instead_of_a_482()
    {
        var database = await server.CreateDatabaseAsync();
        await using var events = await EventSink.StartAsync();
        await using var node = await ClusterNode.StartAsync(database, "node-a", router: null, sip: true);
        var application = await TestApplication.CreateAsync(node.Client, new Uri("/v2/applications", UriKind.Relative), "later-branch", events.Url, events.Base + "/answer");
        var directory = node.Services.GetRequiredService<IInboundHandoffDirectory>();
        Assert.True(directory.Enabled);
        var token = Guid.NewGuid().ToString("N");
        var legId = Guid.NewGuid().ToString();
        var document = """
            {"from":"447700900001","from_user":null,"to":"447700900002","endpoint_type":"phone","authenticated":true,"via":"sip:127.0.0.1",
             "sip_headers":null,"ncco":[{"action":"conversation","name":"later-branch-room"}]}
            """;
        await directory.PutAsync(new InboundHandoffRecord(token, application.Id, legId, Guid.NewGuid().ToString(), "node-b", "node-a", document),
            TimeSpan.FromSeconds(30), default);

        var gateway = node.Services.GetRequiredService<SipGateway>().LocalEndPoint!;
        using var front = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)front.Client.LocalEndPoint!;
        var callId = Guid.NewGuid().ToString("N") + "@caller";
        var mediaPort = Sipp.FreeMediaPort();
        using var stop = new CancellationTokenSource(Limit * 2);

        // Copy 1: answered, never acknowledged (the front gave up on this branch and drops its 200).
        await front.SendAsync(Encoding.ASCII.GetBytes(Invite(gateway, local, callId, token, "z9hG4bKfront1", mediaPort)), gateway, stop.Token);
        var first = await FinalResponseAsync(front, "z9hG4bKfront1", stop.Token);
        Assert.StartsWith("SIP/2.0 200", first.StartLine, StringComparison.Ordinal);
        await Eventually.ReturnsAsync(() => Task.FromResult(events.StatusEvents(legId, "answered").Count), n => n == 1, "the leg answered on copy 1");

        // Copy 2, the branch the front now waits on.
        await front.SendAsync(Encoding.ASCII.GetBytes(Invite(gateway, local, callId, token, "z9hG4bKfront2", mediaPort)), gateway, stop.Token);
        var second = await FinalResponseAsync(front, "z9hG4bKfront2", stop.Token);
        Assert.True(second.StartLine.StartsWith("SIP/2.0 200", StringComparison.Ordinal), $"copy 2 got {second.StartLine}, not 200");
        var toTag = Header(second.Text, "To").Split(";tag=")[1];
        Assert.NotEqual(Header(first.Text, "To").Split(";tag=")[1], toTag);
        await front.SendAsync(Encoding.ASCII.GetBytes(InDialog("ACK", 1, gateway, local, callId, toTag, "z9hG4bKack2")), gateway, stop.Token);

        // Copy 1's dialog is ended by the node (BYE), not the call.
        var bye = await RequestAsync(front, "BYE", stop.Token);
        // From the node, so its From carries the tag the node gave copy 1's dialog.
        Assert.Contains(Header(first.Text, "To").Split(";tag=")[1], Header(bye, "From"), StringComparison.Ordinal);
        await front.SendAsync(Encoding.ASCII.GetBytes(OkTo(bye)), gateway, stop.Token);
        await Task.Delay(1000);
        Assert.Empty(events.StatusEvents(legId, "completed"));

        // The caller hangs up on copy 2's dialog: the one call ends, once.
        await front.SendAsync(Encoding.ASCII.GetBytes(InDialog("BYE", 2, gateway, local, callId, toTag, "z9hG4bKbye2")), gateway, stop.Token);
        var byeAnswer = await FinalResponseAsync(front, "z9hG4bKbye2", stop.Token);
        Assert.StartsWith("SIP/2.0 200", byeAnswer.StartLine, StringComparison.Ordinal);
        await Eventually.ReturnsAsync(() => Task.FromResult(events.StatusEvents(legId, "completed").Count), n => n >= 1, "the leg completed");
        await Task.Delay(1000);
        foreach (var status in new[] { "answered", "completed" }) Assert.Single(events.StatusEvents(legId, status));
    }

    private static string Invite(IPEndPoint gateway, IPEndPoint front, string callId, string token, string branch, int mediaPort)
    {
        var sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + $"m=audio {mediaPort.ToString(CultureInfo.InvariantCulture)} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";
        return $"INVITE sip:{InboundHandoffDocument.UserPrefix}{token}@{gateway} SIP/2.0\r\n"
            + $"Via: SIP/2.0/UDP {front};branch={branch};rport\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKcaller1;rport\r\n"
            + "Max-Forwards: 69\r\n"
            + $"From: <sip:447700900001@127.0.0.1>;tag=caller-tag\r\n"
            + $"To: <sip:447700900002@127.0.0.1>\r\n"
            + $"Call-ID: {callId}\r\n"
            + "CSeq: 1 INVITE\r\n"
            + $"Contact: <sip:447700900001@{front}>\r\n"
            + "Content-Type: application/sdp\r\n"
            + $"Content-Length: {Encoding.ASCII.GetByteCount(sdp).ToString(CultureInfo.InvariantCulture)}\r\n\r\n" + sdp;
    }

    private static string InDialog(string method, int cseq, IPEndPoint gateway, IPEndPoint front, string callId, string toTag, string branch) =>
        $"{method} sip:{gateway} SIP/2.0\r\n"
        + $"Via: SIP/2.0/UDP {front};branch={branch};rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:447700900001@127.0.0.1>;tag=caller-tag\r\n"
        + $"To: <sip:447700900002@127.0.0.1>;tag={toTag}\r\n"
        + $"Call-ID: {callId}\r\n"
        + $"CSeq: {cseq.ToString(CultureInfo.InvariantCulture)} {method}\r\n"
        + "Content-Length: 0\r\n\r\n";

    private static string OkTo(string request)
    {
        var copied = request.Split("\r\n").Where(l => l.StartsWith("Via:", StringComparison.OrdinalIgnoreCase) || l.StartsWith("From:", StringComparison.OrdinalIgnoreCase)
            || l.StartsWith("To:", StringComparison.OrdinalIgnoreCase) || l.StartsWith("Call-ID:", StringComparison.OrdinalIgnoreCase)
            || l.StartsWith("CSeq:", StringComparison.OrdinalIgnoreCase));
        return "SIP/2.0 200 OK\r\n" + string.Join("\r\n", copied) + "\r\nContent-Length: 0\r\n\r\n";
    }

    private static string Header(string message, string name) =>
        message.Split("\r\n").First(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))[(name.Length + 1)..].Trim();

    /// <summary>The first final response whose top Via carries <paramref name="branch"/>; other datagrams are skipped.</summary>
    private static async Task<(string StartLine, string Text)> FinalResponseAsync(UdpClient socket, string branch, CancellationToken cancellationToken)
    {
        while (true)
        {
            var text = Encoding.ASCII.GetString((await socket.ReceiveAsync(cancellationToken)).Buffer);
            var startLine = text[..text.IndexOf("\r\n", StringComparison.Ordinal)];
            if (!startLine.StartsWith("SIP/2.0 ", StringComparison.Ordinal)) continue;
            if (int.Parse(startLine.Split(' ')[1], CultureInfo.InvariantCulture) < 200) continue;
            if (!Header(text, "Via").Contains("branch=" + branch, StringComparison.Ordinal)) continue;
            return (startLine, text);
        }
    }

    /// <summary>The first request of <paramref name="method"/> the node sends; other datagrams are skipped.</summary>
    private static async Task<string> RequestAsync(UdpClient socket, string method, CancellationToken cancellationToken)
    {
        while (true)
        {
            var text = Encoding.ASCII.GetString((await socket.ReceiveAsync(cancellationToken)).Buffer);
            if (text.StartsWith(method + " ", StringComparison.Ordinal)) return text;
        }
    }
}
