using System.Net;
using System.Net.Sockets;
using System.Text;
using Ncco.Host.Postgres.Tests.Support;
using Ncco.Tests.Shared;

namespace Ncco.Host.Postgres.Tests.Cluster;

/// <summary>
/// The shipped Kamailio configuration follows a node's 302 only to a node of its dispatcher set, and only once per call:
/// a "node" on 127.0.0.2 (a socket of the test answering OPTIONS 200 and every INVITE with a 302 to the Contact the test
/// chooses) redirects a caller sent through the front. A Contact naming another host, or the node's address with another
/// port, gets the caller a 500 and never reaches that address; a Contact naming the node itself is followed once, and the
/// second 302 ends the call with 500 (a loop).
/// </summary>
public sealed class RedirectTargetTests
{
    [Theory]
    [InlineData("sip:ncco-handoff-0123@127.0.0.9:5099", "Redirect Target Refused")]
    [InlineData("sip:ncco-handoff-0123@127.0.0.2:{other}", "Redirect Target Refused")]
    [InlineData("sip:ncco-handoff-0123@127.0.0.2:{node}", "Redirect Loop")]
    public async Task The_front_follows_a_redirect_only_to_a_node_of_the_cluster_and_only_once(string contact, string refusal)
    {
        using var node = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        var nodePort = ((IPEndPoint)node.Client.LocalEndPoint!).Port;
        using var elsewhere = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        var otherPort = ((IPEndPoint)elsewhere.Client.LocalEndPoint!).Port;
        contact = contact.Replace("{node}", nodePort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{other}", otherPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var invites = 0;
        var serving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                UdpReceiveResult received;
                try
                {
                    received = await node.ReceiveAsync(stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                var request = Encoding.ASCII.GetString(received.Buffer);
                var isInvite = request.StartsWith("INVITE ", StringComparison.Ordinal);
                if (!isInvite && !request.StartsWith("OPTIONS ", StringComparison.Ordinal)) continue;
                if (isInvite) Interlocked.Increment(ref invites);
                var headers = request.Split("\r\n").Where(l => l.StartsWith("Via:", StringComparison.OrdinalIgnoreCase) || l.StartsWith("From:", StringComparison.OrdinalIgnoreCase)
                    || l.StartsWith("Call-ID:", StringComparison.OrdinalIgnoreCase) || l.StartsWith("CSeq:", StringComparison.OrdinalIgnoreCase)
                    || l.StartsWith("To:", StringComparison.OrdinalIgnoreCase))
                    .Select(l => l.StartsWith("To:", StringComparison.OrdinalIgnoreCase) && !l.Contains("tag=", StringComparison.Ordinal) ? l + ";tag=node1" : l);
                var response = (isInvite ? "SIP/2.0 302 Moved Temporarily\r\n" : "SIP/2.0 200 OK\r\n") + string.Join("\r\n", headers) + "\r\n"
                    + (isInvite ? $"Contact: <{contact}>\r\n" : "") + "Content-Length: 0\r\n\r\n";
                await node.SendAsync(Encoding.ASCII.GetBytes(response), received.RemoteEndPoint, stop.Token);
            }
        });
        await using var front = await KamailioFront.StartAsync([$"sip:127.0.0.2:{nodePort}"], Sipp.FreeUdpPort());
        await Eventually.ReturnsAsync(front.StatesAsync, s => s.Count == 1 && s.Values.All(f => f.StartsWith('A')), "the front probing the node active",
            TimeSpan.FromSeconds(20));

        using var caller = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var callerPort = ((IPEndPoint)caller.Client.LocalEndPoint!).Port;
        var callId = Guid.NewGuid().ToString("N");
        var invite = $"INVITE sip:447700900456@127.0.0.1:{front.Port} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 127.0.0.1:{callerPort};branch=z9hG4bK{callId};rport\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: <sip:caller@127.0.0.1>;tag=caller1\r\n" +
            "To: <sip:447700900456@127.0.0.1>\r\n" +
            $"Call-ID: {callId}\r\n" +
            "CSeq: 1 INVITE\r\n" +
            $"Contact: <sip:caller@127.0.0.1:{callerPort}>\r\n" +
            "Content-Length: 0\r\n\r\n";
        await caller.SendAsync(Encoding.ASCII.GetBytes(invite), new IPEndPoint(IPAddress.Loopback, front.Port), stop.Token);
        string final;
        while (true)
        {
            var reply = Encoding.ASCII.GetString((await caller.ReceiveAsync(stop.Token)).Buffer);
            if (!reply.StartsWith("SIP/2.0 1", StringComparison.Ordinal))
            {
                final = reply.Split("\r\n")[0];
                break;
            }
        }
        Assert.Equal("SIP/2.0 500 " + refusal, final);
        // Refused targets were never sent anything; the node itself got the INVITE twice (the call, then the followed redirect).
        Assert.Equal(0, elsewhere.Available);
        Assert.Equal(refusal == "Redirect Loop" ? 2 : 1, Volatile.Read(ref invites));
        await stop.CancelAsync();
        await serving;
    }
}
