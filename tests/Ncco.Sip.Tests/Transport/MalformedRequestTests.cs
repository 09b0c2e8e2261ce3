using System.Net;
using System.Net.Sockets;
using System.Text;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Parsing;
using Ncco.Sip.Tests.Support;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Tests.Transport;

/// <summary>
/// Hostile requests over real loopback sockets: each one the stack refuses is answered with a 400 naming why (over TCP before
/// the connection closes, when the framing itself broke), and one that cannot be answered is dropped and counted.
/// </summary>
public sealed class MalformedRequestTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("invalid-cseq-too-large", "z9hG4bK342sdfoi3", "CSeq")]
    [InlineData("invalid-too-many-headers", "z9hG4bKmany", "128")]
    [InlineData("invalid-header-line-too-long", "z9hG4bKlong", "8192")]
    [InlineData("invalid-nul-request-line", "z9hG4bKnul", "control character 0x00")]
    public async Task Refused_request_over_udp_gets_400_saying_why(string torture, string branch, string reason)
    {
        await using var ua = SipUserAgent.Create(new IPEndPoint(IPAddress.Loopback, 0), TimeProvider.System, tcp: false);
        ua.Start();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        await peer.SendAsync(TortureCase.Load(torture).Bytes, UdpTarget(ua));

        using var timeout = new CancellationTokenSource(Wait);
        var reply = Encoding.UTF8.GetString((await peer.ReceiveAsync(timeout.Token)).Buffer);
        Assert.StartsWith("SIP/2.0 400 ", reply, StringComparison.Ordinal);
        Assert.Contains(reason, reply.Split("\r\n")[0], StringComparison.Ordinal);
        Assert.Contains("branch=" + branch, reply, StringComparison.Ordinal);
        Assert.Equal(1, ua.Layer.Transport.RejectedCount);
        Assert.Equal(0, ua.Layer.Transport.DroppedCount);
        Assert.Equal(0, ua.Layer.ServerCount);
    }

    [Fact]
    public async Task Request_without_a_via_is_dropped_and_counted()
    {
        await using var ua = SipUserAgent.Create(new IPEndPoint(IPAddress.Loopback, 0), TimeProvider.System, tcp: false);
        ua.Start();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)peer.Client.LocalEndPoint!).Port;

        await peer.SendAsync(TortureCase.Load("invalid-missing-via").Bytes, UdpTarget(ua));
        // A good request right behind it: the first thing that comes back is its answer, so the bad one got none.
        await peer.SendAsync(Requests.Make("OPTIONS", "z9hG4bKafter", viaHost: $"127.0.0.1:{port}").ToBytes(), UdpTarget(ua));

        using var timeout = new CancellationTokenSource(Wait);
        var reply = (SipResponse)SipMessageParser.Parse((await peer.ReceiveAsync(timeout.Token)).Buffer);
        Assert.Equal("z9hG4bKafter", reply.TopVia.Branch);
        Assert.Equal(1, ua.Layer.Transport.RejectedCount);
        Assert.Equal(1, ua.Layer.Transport.DroppedCount);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("99999999999")]
    public async Task Bad_content_length_over_tcp_gets_400_before_the_close(string contentLength)
    {
        await using var ua = SipUserAgent.Create(new IPEndPoint(IPAddress.Loopback, 0), TimeProvider.System, udp: false);
        ua.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, ua.Layer.Transport.PortOf(SipTransportKind.Tcp)));
        var port = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
        var request = Encoding.ASCII.GetString(Requests.Make("OPTIONS", "z9hG4bKcl", viaHost: $"127.0.0.1:{port}", transport: "TCP").ToBytes())
            .Replace("Content-Length: 0", "Content-Length: " + contentLength, StringComparison.Ordinal);

        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(request));

        var received = await ReadToEndAsync(client.GetStream());
        var reply = (SipResponse)SipMessageParser.Parse(received);
        Assert.Equal(400, reply.StatusCode);
        Assert.Contains("Content-Length", reply.ReasonPhrase, StringComparison.Ordinal);
        Assert.Equal("z9hG4bKcl", reply.TopVia.Branch);
        Assert.NotNull(reply.To.Tag);
        Assert.Equal(1, ua.Layer.Transport.RejectedCount);
    }

    private static IPEndPoint UdpTarget(SipUserAgent ua) => new(IPAddress.Loopback, ua.Layer.Transport.PortOf(SipTransportKind.Udp));

    /// <summary>Everything the server sends until it closes the connection (the close is part of what is asserted).</summary>
    private static async Task<byte[]> ReadToEndAsync(NetworkStream stream)
    {
        using var timeout = new CancellationTokenSource(Wait);
        var all = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
        {
            all.Write(buffer, 0, read);
        }
        return all.ToArray();
    }
}
