using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Parsing;
using Ncco.Sip.Sdp;
using Ncco.Sip.Tests.Support;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Tests.Transport;

public sealed class TransportTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private sealed class Sink : ISipTransportSink
    {
        public BlockingCollection<(byte[] Frame, SipEndPoint Source)> Frames { get; } = [];

        public void OnFrame(byte[] frame, SipEndPoint source) => Frames.Add((frame, source));

        public void OnUnframeable(byte[] head, SipParseException error, SipEndPoint source)
        {
        }

        public void OnTransportError(SipEndPoint remote, Exception error)
        {
        }
    }

    private static byte[] Options(string branch, string transport = "TCP") =>
        Requests.Make("OPTIONS", branch, viaHost: "127.0.0.1:9", transport: transport).ToBytes();

    [Fact]
    public async Task Tcp_stream_is_framed_by_content_length_across_writes()
    {
        await using var transport = new StreamSipTransport(new IPEndPoint(IPAddress.Loopback, 0));
        var sink = new Sink();
        transport.Start(sink);
        using var client = new TcpClient();
        await client.ConnectAsync(transport.LocalEndPoint);
        var stream = client.GetStream();
        var two = Options("z9hG4bKt1").Concat(Options("z9hG4bKt2")).ToArray();
        await stream.WriteAsync(two.AsMemory(0, 100));
        await Task.Delay(50);
        await stream.WriteAsync(two.AsMemory(100));

        var branches = new List<string?>();
        for (var i = 0; i < 2; i++)
        {
            Assert.True(sink.Frames.TryTake(out var frame, Wait));
            branches.Add(SipMessageParser.Parse(frame.Frame).TopVia.Branch);
        }
        Assert.Equal(["z9hG4bKt1", "z9hG4bKt2"], branches);
    }

    [Fact]
    public async Task Tcp_connections_beyond_the_per_source_limit_are_closed_unread()
    {
        await using var transport = new StreamSipTransport(new IPEndPoint(IPAddress.Loopback, 0), limits: new SipTransportLimits { MaxConnectionsPerSource = 2 });
        transport.Start(new Sink());
        var clients = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var client = new TcpClient();
                clients.Add(client);
                await client.ConnectAsync(transport.LocalEndPoint);
                await Task.Delay(100);
            }
            using var timeout = new CancellationTokenSource(Wait);
            var read = await clients[2].GetStream().ReadAsync(new byte[16], timeout.Token);
            Assert.Equal(0, read); // closed by the server
            Assert.Equal(2, transport.ConnectionCount);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Silent_or_unframeable_tcp_peers_are_disconnected()
    {
        await using var transport = new StreamSipTransport(new IPEndPoint(IPAddress.Loopback, 0), limits: new SipTransportLimits { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        var sink = new Sink();
        transport.Start(sink);
        using var silent = new TcpClient();
        await silent.ConnectAsync(transport.LocalEndPoint);
        using var garbage = new TcpClient();
        await garbage.ConnectAsync(transport.LocalEndPoint);
        var noLength = Encoding.ASCII.GetString(Options("z9hG4bKg1")).Replace("Content-Length: 0\r\n", "", StringComparison.Ordinal);
        await garbage.GetStream().WriteAsync(Encoding.ASCII.GetBytes(noLength));

        using var timeout = new CancellationTokenSource(Wait);
        Assert.Equal(0, await silent.GetStream().ReadAsync(new byte[16], timeout.Token));
        Assert.Equal(0, await garbage.GetStream().ReadAsync(new byte[16], timeout.Token));
        Assert.Empty(sink.Frames);
    }

    [Fact]
    public async Task Udp_garbage_is_dropped_and_a_bad_request_gets_400_naming_the_header()
    {
        await using var ua = SipUserAgent.Create(new IPEndPoint(IPAddress.Loopback, 0), TimeProvider.System, tcp: false);
        ua.Start();
        using var peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, ua.Layer.Transport.PortOf(SipTransportKind.Udp));
        await peer.SendAsync(RandomNumberGenerator.GetBytes(300), target);
        var bad = Encoding.ASCII.GetString(Requests.Make("OPTIONS", "z9hG4bKu1", viaHost: "127.0.0.1:" + ((IPEndPoint)peer.Client.LocalEndPoint!).Port).ToBytes())
            .Replace("Max-Forwards: 70", "Max-Forwards: 999", StringComparison.Ordinal);
        await peer.SendAsync(Encoding.ASCII.GetBytes(bad), target);

        using var timeout = new CancellationTokenSource(Wait);
        var reply = (SipResponse)SipMessageParser.Parse((await peer.ReceiveAsync(timeout.Token)).Buffer);
        Assert.Equal(400, reply.StatusCode);
        Assert.Contains("Max-Forwards", reply.ReasonPhrase, StringComparison.Ordinal);
        Assert.Equal(2, ua.Layer.Transport.RejectedCount);
        Assert.Equal(0, ua.Layer.ServerCount);
    }

    [Fact]
    public async Task Tls_call_with_sips_uri_is_answered_and_ended()
    {
        using var certificate = SelfSigned();
        var tls = new SipTlsOptions
        {
            Certificate = certificate,
            ServerCertificateValidation = (_, presented, _, _) => presented?.GetCertHashString() == certificate.GetCertHashString(),
        };
        await using var alice = SipUserAgent.Create(new IPEndPoint(IPAddress.Loopback, 0), TimeProvider.System, new() { User = "alice" }, tls: tls);
        await using var bob = SipUserAgent.Create(new IPEndPoint(IPAddress.Loopback, 0), TimeProvider.System, new() { User = "bob" }, tls: tls);
        alice.Start();
        bob.Start();

        var call = await alice.CallAsync(SipUri.Parse($"sips:bob@127.0.0.1:{bob.Layer.Transport.PortOf(SipTransportKind.Tls)}"), new LocalMedia("127.0.0.1", 42000));
        var incoming = await bob.AcceptAsync().AsTask().WaitAsync(Wait);
        Assert.Equal("TLS", incoming.Invite.TopVia.Transport);
        Assert.Equal(SipTransportKind.Tls, incoming.Source.Transport);
        incoming.Answer(new LocalMedia("127.0.0.1", 42002));
        Assert.Equal(200, (await call.Completion.WaitAsync(Wait)).StatusCode);
        Assert.StartsWith("sips:", call.Answer!.Contacts[0].Uri.ToString(), StringComparison.Ordinal);

        await incoming.HangupAsync().WaitAsync(Wait);
        Assert.Equal(CallEndReason.RemoteHangup, (await call.Ended.WaitAsync(Wait)).Reason);
    }

    [Fact]
    public async Task Tls_peer_with_an_untrusted_certificate_fails_the_call_with_503()
    {
        using var trusted = SelfSigned();
        using var other = SelfSigned();
        var aliceTls = new SipTlsOptions { Certificate = trusted, ServerCertificateValidation = (_, presented, _, _) => presented?.GetCertHashString() == trusted.GetCertHashString() };
        await using var alice = SipUserAgent.Create(new IPEndPoint(IPAddress.Loopback, 0), TimeProvider.System, tls: aliceTls);
        await using var mallory = SipUserAgent.Create(new IPEndPoint(IPAddress.Loopback, 0), TimeProvider.System, tls: new SipTlsOptions { Certificate = other });
        alice.Start();
        mallory.Start();

        var call = await alice.CallAsync(SipUri.Parse($"sips:x@127.0.0.1:{mallory.Layer.Transport.PortOf(SipTransportKind.Tls)}"), new LocalMedia("127.0.0.1", 42000));
        Assert.Equal(503, (await call.Completion.WaitAsync(Wait)).StatusCode);
        Assert.Equal(CallEndReason.TransportFailure, (await call.Ended).Reason);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
