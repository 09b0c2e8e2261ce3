using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Ncco.Sip.Auth;
using Ncco.Sip.Messages;
using Ncco.Sip.Parsing;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// A trunk that authenticates as a proxy: it answers the host's INVITE with 407 and Proxy-Authenticate, and takes the
/// call once the retry carries a Proxy-Authorization whose digest it recomputes here from the trunk's password.
/// </summary>
public sealed class SipTrunkProxyAuthTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private const string Realm = "proxy.trunk.test";
    private const string Nonce = "7f1c2a9b3e4d";

    [Fact]
    public async Task A_407_from_the_trunk_is_answered_with_a_well_formed_proxy_authorization_and_the_call_is_answered()
    {
        using var trunk = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)trunk.Client.LocalEndPoint!).Port;
        await using var h = await SipHostHarness.StartAsync(
            "--Ncco:Sip:Trunks:0:Name=carrier", $"--Ncco:Sip:Trunks:0:Address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            "--Ncco:Sip:Trunks:0:Prefixes:0=44", "--Ncco:Sip:Trunks:0:Username=trunkuser", "--Ncco:Sip:Trunks:0:Password=trunkpw");
        var uuid = await h.CreateCallAsync("""
            {"to":[{"type":"phone","number":"447700900123"}],"from":{"type":"phone","number":"447700900000"},"ncco":[{"action":"talk","text":"Hello there."}]}
            """);

        using var limit = new CancellationTokenSource(Limit);
        var first = await ReceiveAsync(trunk, "INVITE", limit.Token);
        Assert.Null(first.Request.Header(HeaderNames.ProxyAuthorization));
        var challenge = SipResponse.For(first.Request, 407, toTag: "trunk407")
            .AddHeader(HeaderNames.ProxyAuthenticate, $"Digest realm=\"{Realm}\", nonce=\"{Nonce}\", algorithm=MD5, qop=\"auth\"");
        await trunk.SendAsync(challenge.ToBytes(), first.From, limit.Token);

        // The ACK for the 407 and any retransmission of the first INVITE come before the retry; the retry is a new transaction.
        Received retry;
        while (true)
        {
            var next = await ReceiveAsync(trunk, null, limit.Token);
            if (next.Request.Method == "INVITE" && next.Request.CSeq.Number != first.Request.CSeq.Number)
            {
                retry = next;
                break;
            }
            if (next.Request.Method == "INVITE") await trunk.SendAsync(challenge.ToBytes(), next.From, limit.Token);
        }

        var header = retry.Request.Header(HeaderNames.ProxyAuthorization);
        Assert.NotNull(header);
        Assert.Null(retry.Request.Header(HeaderNames.Authorization));
        var credentials = DigestChallenge.Parse(header, HeaderNames.ProxyAuthorization);
        Assert.StartsWith("Digest ", header, StringComparison.Ordinal);
        Assert.Equal("trunkuser", credentials.Get("username"));
        Assert.Equal(Realm, credentials.Realm);
        Assert.Equal(Nonce, credentials.Nonce);
        Assert.Equal("MD5", credentials.Algorithm);
        Assert.Equal("auth", credentials.Get("qop"));
        Assert.Matches("^[0-9a-fA-F]{8}$", credentials.Get("nc"));
        Assert.False(string.IsNullOrEmpty(credentials.Get("cnonce")));
        var uri = credentials.Get("uri");
        Assert.Equal(retry.Request.Uri.ToString(), uri);
        // RFC 2617 §3.2.2.1 with qop=auth, computed here independently of the stack's digest code.
        var ha1 = Md5($"trunkuser:{Realm}:trunkpw");
        var ha2 = Md5($"INVITE:{uri}");
        var expected = Md5($"{ha1}:{Nonce}:{credentials.Get("nc")}:{credentials.Get("cnonce")}:auth:{ha2}");
        Assert.Equal(expected, credentials.Get("response")!.ToLowerInvariant());

        // Accepted: 200 with an SDP answer; the host ACKs it, talks, and hangs up with BYE.
        var ok = SipResponse.For(retry.Request, 200, toTag: "trunk200")
            .AddHeader(HeaderNames.Contact, $"<sip:carrier@127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}>")
            .AddHeader(HeaderNames.ContentType, "application/sdp");
        ok = ok with
        {
            Body = Encoding.UTF8.GetBytes("v=0\r\no=trunk 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"),
        };
        await trunk.SendAsync(ok.ToBytes(), retry.From, limit.Token);
        await h.App.WaitForStatusAsync(uuid, "answered", Limit);
        var bye = await ReceiveAsync(trunk, "BYE", limit.Token);
        await trunk.SendAsync(SipResponse.For(bye.Request, 200).ToBytes(), bye.From, limit.Token);
        var completed = (await h.App.WaitForStatusAsync(uuid, "completed", Limit)).Json!.Value;
        Assert.Equal("platform", completed.GetProperty("disconnected_by").GetString());
    }

    private sealed record Received(SipRequest Request, IPEndPoint From);

    /// <summary>The next request (of <paramref name="method"/> when given, skipping others), ignoring stray responses.</summary>
    private static async Task<Received> ReceiveAsync(UdpClient socket, string? method, CancellationToken cancellationToken)
    {
        while (true)
        {
            var datagram = await socket.ReceiveAsync(cancellationToken);
            if (SipMessageParser.Parse(datagram.Buffer) is SipRequest request && (method is null || request.Method == method))
                return new Received(request, datagram.RemoteEndPoint);
        }
    }

    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
}
