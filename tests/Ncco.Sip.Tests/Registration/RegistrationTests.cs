using Ncco.Sip.Auth;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Tests.Support;

namespace Ncco.Sip.Tests.Registration;

/// <summary>REGISTER as a trunk client, with the test playing an authenticating registrar on virtual time.</summary>
public sealed class RegistrationTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static async Task<IReadOnlyList<SipRequest>> Registers(UaHarness h, int count)
    {
        // Continuations run on the thread pool, so the next REGISTER appears shortly after a response is delivered.
        using var timeout = new CancellationTokenSource(Wait);
        while (h.Transport.SentRequests("REGISTER").Count < count)
        {
            await Task.Delay(5, timeout.Token);
        }
        return h.Transport.SentRequests("REGISTER");
    }

    [Fact]
    public async Task Registers_with_digest_refreshes_before_expiry_on_one_call_id_and_unregisters_on_dispose()
    {
        var h = new UaHarness(new SipUserAgentOptions { User = "trunkuser", Credentials = new DigestCredentials("trunkuser", "pw") });
        var registrar = new DigestAuthenticator("trunk.example", u => u == "trunkuser" ? "pw" : null, h.Time);
        var pending = h.Agent.RegisterAsync(SipUri.Parse("sip:192.0.2.50:5070"), SipUri.Parse("sip:trunkuser@trunk.example"), TimeSpan.FromSeconds(300));

        var first = (await Registers(h, 1))[0];
        Assert.Equal("300", first.Header(HeaderNames.Expires));
        h.Transport.Deliver(registrar.Challenge(first, toTag: "r1"));

        var second = (await Registers(h, 2))[1];
        Assert.Equal(DigestVerdict.Accepted, registrar.Verify(second));
        Assert.Equal(first.CallId, second.CallId);
        Assert.Equal(first.CSeq.Number + 1, second.CSeq.Number);
        var contact = second.Contacts.Single();
        h.Transport.Deliver(SipResponse.For(second, 200, toTag: "r1").AddHeader(HeaderNames.Contact, $"<{contact.Uri}>;expires=120"));

        await using var registration = await pending.WaitAsync(Wait);
        Assert.True(registration.IsRegistered);
        Assert.Equal(TimeSpan.FromSeconds(120), registration.GrantedExpiry);

        // Refresh at 80 % of the granted 120 s.
        h.At(95);
        Assert.Equal(2, h.Transport.SentRequests("REGISTER").Count);
        h.At(1.1);
        var refresh = (await Registers(h, 3))[2];
        Assert.Equal(first.CallId, refresh.CallId);
        Assert.Equal(second.CSeq.Number + 1, refresh.CSeq.Number);
        h.Transport.Deliver(SipResponse.For(refresh, 200, toTag: "r1").AddHeader(HeaderNames.Expires, "120"));

        var unregister = registration.DisposeAsync().AsTask();
        var last = (await Registers(h, 4))[3];
        Assert.Equal("0", last.Header(HeaderNames.Expires));
        h.Transport.Deliver(SipResponse.For(last, 200, toTag: "r1"));
        await unregister.WaitAsync(Wait);
        Assert.False(registration.IsRegistered);
    }

    [Fact]
    public async Task Refused_registration_is_reported_and_retried_later()
    {
        var h = new UaHarness();
        var pending = h.Agent.RegisterAsync(SipUri.Parse("sip:192.0.2.50:5070"), SipUri.Parse("sip:nobody@trunk.example"), TimeSpan.FromSeconds(300));
        var first = (await Registers(h, 1))[0];
        h.Transport.Deliver(SipResponse.For(first, 403, toTag: "r1"));
        var registration = await pending.WaitAsync(Wait);
        Assert.False(registration.IsRegistered);
        Assert.Equal(403, registration.LastResponse!.StatusCode);

        h.At(30.1);
        await Registers(h, 2);
    }
}
