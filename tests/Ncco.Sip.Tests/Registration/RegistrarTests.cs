using System.Net;
using Ncco.Sip.Auth;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Registration;
using Ncco.Sip.Tests.Support;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Tests.Registration;

public sealed class RegistrarTests
{
    private static readonly SipEndPoint Phone = new(SipTransportKind.Udp, new IPEndPoint(IPAddress.Parse("192.0.2.77"), 40123));

    // Through the parser, as from the wire, so comma-separated contacts are split as they would be.
    private static SipRequest Register(string user, long cseq, string contact, string? expires, string callId = "reg-1", params string[] path) =>
        (SipRequest)Ncco.Sip.Parsing.SipMessageParser.Parse(new SipRequest
        {
            Method = "REGISTER",
            Uri = SipUri.Parse("sip:ncco.test"),
            Headers =
            [
                new(HeaderNames.Via, $"SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bK{callId}{cseq}"),
                new(HeaderNames.From, $"<sip:{user}@ncco.test>;tag=p1"),
                new(HeaderNames.To, $"<sip:{user}@ncco.test>"),
                new(HeaderNames.CallId, callId),
                new(HeaderNames.CSeq, $"{cseq} REGISTER"),
                new(HeaderNames.Contact, contact),
                .. expires is null ? Array.Empty<SipHeader>() : [new SipHeader(HeaderNames.Expires, expires)],
                .. path.Select(p => new SipHeader(HeaderNames.Path, p)),
            ],
        }.ToBytes());

    [Fact]
    public void Bindings_are_added_refreshed_capped_expired_and_removed()
    {
        var time = new ManualTimeProvider();
        var registrar = new SipRegistrar(null, time);

        var ok = registrar.Handle(Register("alice", 1, "<sip:alice@10.0.0.7:5060>", "7200"), Phone);
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal("3600", ok.Contacts.Single().Parameters["expires"]);
        var binding = registrar.Lookup("alice").Single();
        Assert.Equal(Phone, binding.Source);

        Assert.Equal(500, registrar.Handle(Register("alice", 1, "<sip:alice@10.0.0.7:5060>", "600"), Phone).StatusCode);
        Assert.Equal(423, registrar.Handle(Register("alice", 2, "<sip:alice@10.0.0.7:5060>", "10"), Phone).StatusCode);

        ok = registrar.Handle(Register("alice", 3, "<sip:alice@10.0.0.7:5060>;expires=120, <sip:alice@10.0.0.8:5060>", "600"), Phone);
        Assert.Equal(["120", "600"], ok.Contacts.Select(c => c.Parameters["expires"]));

        time.Advance(TimeSpan.FromSeconds(121));
        Assert.Equal("10.0.0.8", registrar.Lookup("alice").Single().Contact.Host);

        ok = registrar.Handle(Register("alice", 4, "*", "0"), Phone);
        Assert.Empty(ok.Contacts);
        Assert.Empty(registrar.Lookup("alice"));
        Assert.Equal(400, registrar.Handle(Register("alice", 5, "*", "60"), Phone).StatusCode);
    }

    [Fact]
    public void Registering_needs_credentials_for_the_same_user()
    {
        var time = new ManualTimeProvider();
        var authenticator = new DigestAuthenticator("ncco.test", u => u is "alice" or "mallory" ? "pw-" + u : null, time);
        var registrar = new SipRegistrar(authenticator, time);
        var request = Register("alice", 1, "<sip:alice@10.0.0.7>", "300");

        var challenge = registrar.Handle(request, Phone);
        Assert.Equal(401, challenge.StatusCode);

        var asMallory = DigestClient.Authorize(request, challenge, new DigestCredentials("mallory", "pw-mallory"))!;
        Assert.Equal(403, registrar.Handle(asMallory, Phone).StatusCode);

        var asAlice = DigestClient.Authorize(request with { Headers = request.WithHeader(HeaderNames.CSeq, "2 REGISTER").Headers }, challenge, new DigestCredentials("alice", "pw-alice"))!;
        Assert.Equal(200, registrar.Handle(asAlice, Phone).StatusCode);
        Assert.Single(registrar.Lookup("alice"));
        Assert.Empty(registrar.Lookup("mallory"));
    }

    [Fact]
    public async Task Our_registration_client_registers_with_our_registrar_over_loopback_and_unregisters()
    {
        var authenticator = new DigestAuthenticator("ncco.test", u => u == "alice" ? "secret" : null, TimeProvider.System);
        var registrar = new SipRegistrar(authenticator, TimeProvider.System);
        await using var pair = new LoopbackPair(
            alice: new SipUserAgentOptions { User = "alice", Credentials = new DigestCredentials("alice", "secret") },
            bob: new SipUserAgentOptions { User = "bob", Registrar = registrar });

        var registration = await pair.Alice.RegisterAsync(pair.BobUri() with { User = null }, SipUri.Parse("sip:alice@ncco.test"), TimeSpan.FromMinutes(10))
            .WaitAsync(LoopbackPair.Wait);
        Assert.True(registration.IsRegistered, registration.LastResponse?.ToString());
        Assert.Equal(TimeSpan.FromMinutes(10), registration.GrantedExpiry);
        var binding = registrar.Lookup("alice").Single();
        Assert.Equal(pair.Alice.Layer.Transport.PortOf(SipTransportKind.Udp), binding.Contact.Port);

        await registration.DisposeAsync().AsTask().WaitAsync(LoopbackPair.Wait);
        Assert.Empty(registrar.Lookup("alice"));
    }

    [Fact]
    public void Changes_are_reported_in_order_and_restored_bindings_come_back_unless_expired()
    {
        var time = new ManualTimeProvider();
        var changes = new List<(string User, int Count)>();
        var registrar = new SipRegistrar(null, time) { BindingsChanged = (user, bindings) => changes.Add((user, bindings.Count)) };

        registrar.Handle(Register("alice", 1, "<sip:alice@10.0.0.7:5060>", "600"), Phone);
        registrar.Handle(Register("alice", 2, "<sip:alice@10.0.0.8:5060>", "600"), Phone);
        registrar.Handle(Register("alice", 3, "*", "0"), Phone);
        Assert.Equal([("alice", 1), ("alice", 2), ("alice", 0)], changes);
        Assert.Equal(423, registrar.Handle(Register("alice", 4, "<sip:alice@10.0.0.7:5060>", "10"), Phone).StatusCode);
        Assert.Equal(3, changes.Count);

        // A new registrar (a restart) takes back what was stored: live bindings only, and without reporting them.
        var restarted = new SipRegistrar(null, time) { BindingsChanged = (user, bindings) => changes.Add((user, bindings.Count)) };
        var now = time.GetUtcNow();
        restarted.Restore("bob", new SipBinding(SipUri.Parse("sip:bob@10.0.0.9:5060"), now + TimeSpan.FromMinutes(5), "reg-9", 1, Phone));
        restarted.Restore("carol", new SipBinding(SipUri.Parse("sip:carol@10.0.0.10:5060"), now - TimeSpan.FromSeconds(1), "reg-10", 1, Phone));
        Assert.Equal("sip:bob@10.0.0.9:5060", restarted.Lookup("bob").Single().Contact.ToString());
        Assert.Empty(restarted.Lookup("carol"));
        Assert.Equal(3, changes.Count);

        // A refresh on the restored binding's Call-ID goes on from its CSeq.
        Assert.Equal(500, restarted.Handle(Register("bob", 1, "<sip:bob@10.0.0.9:5060>", "600", callId: "reg-9"), Phone).StatusCode);
        Assert.Equal(200, restarted.Handle(Register("bob", 2, "<sip:bob@10.0.0.9:5060>", "600", callId: "reg-9"), Phone).StatusCode);
        time.Advance(TimeSpan.FromMinutes(11));
        Assert.Empty(restarted.Lookup("bob"));
    }

    [Fact]
    public void A_registers_path_is_kept_with_its_bindings_in_order_and_echoed_in_the_200()
    {
        var registrar = new SipRegistrar(null, new ManualTimeProvider());
        // Kamailio's add_path_received: its own URI with ;lr and where the REGISTER came from; a second proxy's entry first.
        var ok = registrar.Handle(Register("alice", 1, "<sip:alice@10.0.0.7:5060>, <sip:alice@10.0.0.8:5060>", "600", "reg-1",
            "<sip:edge.example;lr>, <sip:127.0.0.1:25160;lr;received=sip:10.0.0.7:5060>"), Phone);

        Assert.Equal(200, ok.StatusCode);
        string[] expected = ["<sip:edge.example;lr>", "<sip:127.0.0.1:25160;lr;received=sip:10.0.0.7:5060>"];
        Assert.Equal(expected, ok.HeaderValues(HeaderNames.Path));
        Assert.All(registrar.Lookup("alice"), b => Assert.Equal(expected, b.Path.Select(p => p.ToString())));
        Assert.Equal("sip:127.0.0.1:25160;lr;received=sip:10.0.0.7:5060", registrar.Lookup("alice")[0].Path[1].Uri.ToString());

        // A refresh through no proxy drops the path: calls then go straight to the contact.
        registrar.Handle(Register("alice", 2, "<sip:alice@10.0.0.7:5060>", "600"), Phone);
        Assert.Empty(registrar.Lookup("alice").Single(b => b.Contact.Host == "10.0.0.7").Path);
        Assert.Single(registrar.Lookup("alice").Single(b => b.Contact.Host == "10.0.0.8").Path, p => p.Uri.Host == "edge.example");
    }

    [Fact]
    public void A_path_that_is_too_long_or_not_sip_is_refused_with_400_and_changes_nothing()
    {
        var registrar = new SipRegistrar(null, new ManualTimeProvider()) { MaxPathEntries = 2 };
        var tooLong = registrar.Handle(Register("alice", 1, "<sip:alice@10.0.0.7:5060>", "600", "reg-1", "<sip:a;lr>", "<sip:b;lr>", "<sip:c;lr>"), Phone);
        Assert.Equal(400, tooLong.StatusCode);
        Assert.Contains("Path", tooLong.ReasonPhrase, StringComparison.Ordinal);
        var notSip = registrar.Handle(Register("alice", 2, "<sip:alice@10.0.0.7:5060>", "600", "reg-1", "<tel:+447700900000>"), Phone);
        Assert.Equal(400, notSip.StatusCode);
        Assert.Empty(registrar.Lookup("alice"));

        // A Path that is not a name-addr never reaches the registrar: the parser refuses the message naming the header.
        var malformed = "REGISTER sip:ncco.test SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bKp1\r\nFrom: <sip:alice@ncco.test>;tag=1\r\n"
            + "To: <sip:alice@ncco.test>\r\nCall-ID: p1\r\nCSeq: 1 REGISTER\r\nContact: <sip:alice@10.0.0.7>\r\nPath: <sip:front;lr\r\nContent-Length: 0\r\n\r\n";
        var error = Assert.Throws<Ncco.Sip.Parsing.SipParseException>(() => Ncco.Sip.Parsing.SipMessageParser.Parse(System.Text.Encoding.ASCII.GetBytes(malformed)));
        Assert.Equal(HeaderNames.Path, error.Header);
    }
}
