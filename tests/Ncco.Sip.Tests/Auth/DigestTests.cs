using Ncco.Sip.Auth;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;
using Ncco.Sip.Tests.Support;

namespace Ncco.Sip.Tests.Auth;

public sealed class DigestTests
{
    [Fact]
    public void Md5_response_matches_the_rfc_2617_worked_example()
    {
        var response = DigestHash.Response("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life", "GET", "/dir/index.html",
            "dcd98b7102dd2f0e8b11d0f600bfb0c093", "auth", "00000001", "0a4f113b");
        Assert.Equal("6629fae49393a05397450978507c4ef1", response);
    }

    [Fact]
    public void Sha256_response_matches_the_rfc_7616_worked_example()
    {
        var response = DigestHash.Response("SHA-256", "Mufasa", "http-auth@example.org", "Circle of Life", "GET", "/dir/index.html",
            "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "auth", "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
        Assert.Equal("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", response);
    }

    [Fact]
    public void Client_prefers_sha256_and_the_server_accepts_then_reports_stale_after_expiry()
    {
        var time = new ManualTimeProvider();
        var server = new DigestAuthenticator("ncco.test", u => u == "alice" ? "secret" : null, time);
        var request = Requests.Make("INVITE", "z9hG4bKd1");
        Assert.Equal(DigestVerdict.Missing, server.Verify(request));

        var challenge = server.Challenge(request);
        Assert.Equal(401, challenge.StatusCode);
        var authorized = DigestClient.Authorize(request, challenge, new DigestCredentials("alice", "secret"))!;
        Assert.Contains("algorithm=SHA-256", authorized.Header(HeaderNames.Authorization), StringComparison.Ordinal);
        Assert.Contains("qop=auth", authorized.Header(HeaderNames.Authorization), StringComparison.Ordinal);
        Assert.Equal(DigestVerdict.Accepted, server.Verify(authorized));

        var wrong = DigestClient.Authorize(request, challenge, new DigestCredentials("alice", "guess"))!;
        Assert.Equal(DigestVerdict.Rejected, server.Verify(wrong));
        var forged = authorized.WithHeader(HeaderNames.Authorization, authorized.Header(HeaderNames.Authorization)!.Replace("nonce=\"", "nonce=\"00", StringComparison.Ordinal));
        Assert.Equal(DigestVerdict.Rejected, server.Verify(forged));

        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(DigestVerdict.Stale, server.Verify(authorized));
        Assert.Contains("stale=true", server.Challenge(request, stale: true).Header(HeaderNames.WwwAuthenticate), StringComparison.Ordinal);
    }

    [Fact]
    public void Md5_only_proxy_challenge_is_answered_with_proxy_authorization()
    {
        var request = Requests.Make("INVITE", "z9hG4bKd2");
        var challenge = SipResponse.For(request, 407).AddHeader(HeaderNames.ProxyAuthenticate, "Digest realm=\"trunk\", nonce=\"abc\", opaque=\"xyz\"");
        var authorized = DigestClient.Authorize(request, challenge, new DigestCredentials("u", "p"))!;
        var credentials = DigestChallenge.Parse(authorized.Header(HeaderNames.ProxyAuthorization)!, HeaderNames.ProxyAuthorization);
        Assert.Equal("MD5", credentials.Algorithm);
        Assert.Equal("xyz", credentials.Opaque);
        Assert.Null(credentials.Get("qop"));
        Assert.Equal(DigestHash.Response("MD5", "u", "trunk", "p", "INVITE", request.Uri.ToString(), "abc", null, null, null), credentials.Get("response"));
        Assert.Null(DigestClient.Authorize(request, challenge, new DigestCredentials("u", "p", Realm: "other")));
    }

    [Fact]
    public async Task Call_to_an_authenticating_ua_succeeds_with_credentials_and_fails_without()
    {
        var authenticator = new DigestAuthenticator("ncco.test", u => u == "alice" ? "secret" : null, TimeProvider.System);
        await using var pair = new LoopbackPair(
            alice: new SipUserAgentOptions { User = "alice", Credentials = new DigestCredentials("alice", "secret") },
            bob: new SipUserAgentOptions { User = "bob", Authenticator = authenticator });
        var call = await pair.Alice.CallAsync(pair.BobUri(), new LocalMedia("127.0.0.1", 40000));
        var incoming = await pair.Bob.AcceptAsync().AsTask().WaitAsync(LoopbackPair.Wait);
        Assert.Contains("username=\"alice\"", incoming.Invite.Header(HeaderNames.Authorization), StringComparison.Ordinal);
        Assert.Equal(2, incoming.Invite.CSeq.Number);
        incoming.Answer(new LocalMedia("127.0.0.1", 40002));
        Assert.Equal(200, (await call.Completion.WaitAsync(LoopbackPair.Wait)).StatusCode);
        await call.HangupAsync().WaitAsync(LoopbackPair.Wait);

        await using var noCredentials = new LoopbackPair(bob: new SipUserAgentOptions { User = "bob", Authenticator = authenticator });
        var refused = await noCredentials.Alice.CallAsync(noCredentials.BobUri(), new LocalMedia("127.0.0.1", 40000));
        Assert.Equal(401, (await refused.Completion.WaitAsync(LoopbackPair.Wait)).StatusCode);
    }

    [Fact]
    public void Our_client_picks_sha256_even_when_md5_is_challenged_first()
    {
        var server = new DigestAuthenticator("ncco.test", _ => "pw", new ManualTimeProvider()) { Algorithms = ["MD5", "SHA-256"] };
        var request = Requests.Make("INVITE", "z9hG4bKd3");
        var challenge = server.Challenge(request);
        Assert.StartsWith("Digest realm=\"ncco.test\", nonce=", challenge.HeaderValues(HeaderNames.WwwAuthenticate).First(), StringComparison.Ordinal);
        Assert.Contains("algorithm=MD5", challenge.HeaderValues(HeaderNames.WwwAuthenticate).First(), StringComparison.Ordinal);
        var authorized = DigestClient.Authorize(request, challenge, new DigestCredentials("u", "pw"))!;
        Assert.Contains("algorithm=SHA-256", authorized.Header(HeaderNames.Authorization), StringComparison.Ordinal);
        Assert.Equal(DigestVerdict.Accepted, server.Verify(authorized));
    }
}
