using System.Text;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;
using Ncco.Sip.Tests.Support;

namespace Ncco.Sip.Tests.Dialogs;

/// <summary>
/// Session refreshes the callee sends on a call we placed (RFC 4028 §9), as Asterisk's res_pjsip sends them with
/// <c>timers=always</c>: its 2xx says <c>Session-Expires: 90;refresher=uas</c> and it refreshes with a body-less UPDATE
/// every 45 s. Our 200 to that UPDATE carried no Session-Expires (scripts/interop/asterisk.sh CHANNEL=pjsip,
/// session-timer-out), which pjsip reads as "no session timer": with Asterisk's default <c>timers=yes</c> it stops
/// them for the rest of the call. The messages below are res_pjsip's (Asterisk 20.20.1), header for header.
/// </summary>
public sealed class SessionRefreshFromCalleeTests
{
    private const string PjsipAnswer = "v=0\r\no=- 1915546402 2 IN IP4 127.0.0.2\r\ns=Asterisk\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n"
        + "m=audio 31228 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
        + "a=ptime:20\r\na=maxptime:140\r\na=sendrecv\r\n";

    private const string CalleeTag = "6a8f0c34-3b8e-4b5e-9b65-0f7f2a4e8d51";

    private static SipResponse PjsipOk(SipRequest request, string sessionExpires) =>
        (SipResponse.For(request, 200, toTag: request.To.Tag ?? CalleeTag)
            .AddHeader(HeaderNames.Contact, "<sip:127.0.0.2:25770>")
            .AddHeader(HeaderNames.Allow, "OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, PUBLISH, INVITE, ACK, BYE, CANCEL, UPDATE, PRACK, INFO")
            .AddHeader(HeaderNames.Supported, "100rel, timer")
            .AddHeader(HeaderNames.SessionExpires, sessionExpires)
            .AddHeader(HeaderNames.ContentType, "application/sdp")) with { Body = Encoding.ASCII.GetBytes(PjsipAnswer) };

    /// <summary>res_pjsip's refresh: an UPDATE without a body, in the callee's dialog.</summary>
    private static byte[] PjsipUpdate(SipRequest invite, long cseq, string sessionExpires, string supported = "100rel, timer") =>
        Encoding.ASCII.GetBytes(
            $"UPDATE {invite.Contacts.Single().Uri} SIP/2.0\r\n"
            + $"Via: SIP/2.0/UDP 127.0.0.2:25770;rport;branch=z9hG4bKPj{cseq}-2b4c-4f0d-a3b5-6c1f0e9d7a21\r\n"
            + $"From: <sip:5550190@127.0.0.2>;tag={CalleeTag}\r\n"
            + $"To: {invite.Header(HeaderNames.From)}\r\n"
            + "Contact: <sip:127.0.0.2:25770>\r\n"
            + $"Call-ID: {invite.CallId}\r\n"
            + $"CSeq: {cseq} UPDATE\r\n"
            + $"Supported: {supported}\r\n"
            + $"Session-Expires: {sessionExpires}\r\n"
            + "Min-SE: 90\r\n"
            + "Max-Forwards: 70\r\n"
            + "User-Agent: Asterisk PBX 20.20.1\r\n"
            + "Content-Length:  0\r\n\r\n");

    private static async Task<(UaHarness H, OutgoingCall Call, SipRequest Invite)> Answered(string sessionExpires)
    {
        var h = new UaHarness();
        var call = await h.Agent.CallAsync(SipUri.Parse("sip:5550190@127.0.0.2:25770"), new LocalMedia("127.0.0.1", 20000));
        var invite = h.Transport.SentRequests("INVITE").Single();
        h.Transport.Deliver(PjsipOk(invite, sessionExpires));
        Assert.True((await call.Completion).IsSuccess);
        return (h, call, invite);
    }

    private static SipResponse OkTo(UaHarness h, long cseq) =>
        h.Transport.SentResponses(200).Last(r => r.CSeq.Method == SipMethods.Update && r.CSeq.Number == cseq);

    private static List<SipRequest> OurRefreshes(UaHarness h) =>
        [.. h.Transport.SentRequests("INVITE").Where(r => r.To.Tag is not null).DistinctBy(r => r.CSeq.Number)];

    [Fact]
    public async Task The_callees_refresh_is_answered_with_its_session_expires_and_require_timer()
    {
        var (h, call, invite) = await Answered("90;refresher=uas");
        h.At(45);
        h.Transport.Deliver(PjsipUpdate(invite, 5026, "90;refresher=uac"));
        var ok = OkTo(h, 5026);
        Assert.Equal("90;refresher=uac", ok.Header(HeaderNames.SessionExpires));
        Assert.True(SipUserAgent.Lists(ok, HeaderNames.Require, "timer"));
        Assert.Equal(0, ok.Body.Length);
        // The callee keeps the role: we send no refresh of our own while it refreshes.
        for (var cseq = 5027; cseq < 5032; cseq++)
        {
            h.At(45);
            h.Transport.Deliver(PjsipUpdate(invite, cseq, "90;refresher=uac"));
            Assert.Equal("90;refresher=uac", OkTo(h, cseq).Header(HeaderNames.SessionExpires));
        }
        h.At(45);
        Assert.Empty(OurRefreshes(h));
        Assert.False(call.IsEnded);
    }

    [Fact]
    public async Task A_refresh_that_hands_us_the_role_has_us_reinvite_at_half_its_interval()
    {
        var (h, call, invite) = await Answered("90;refresher=uas");
        h.Transport.Deliver(PjsipUpdate(invite, 5026, "120;refresher=uas"));
        Assert.Equal("120;refresher=uas", OkTo(h, 5026).Header(HeaderNames.SessionExpires));
        h.At(59);
        Assert.Empty(OurRefreshes(h));
        h.At(1);
        var refresh = OurRefreshes(h).Single();
        Assert.Equal("120;refresher=uac", refresh.Header(HeaderNames.SessionExpires));
        Assert.Equal(CalleeTag, refresh.To.Tag);
        Assert.False(call.IsEnded);
    }

    [Fact]
    public async Task A_refresh_naming_nobody_keeps_the_role_and_one_from_a_sender_without_timer_support_makes_us_refresh()
    {
        // We are the refresher (the 2xx said uac): a refresh naming nobody leaves it so.
        var (h, _, invite) = await Answered("90;refresher=uac");
        h.Transport.Deliver(PjsipUpdate(invite, 7001, "90"));
        Assert.Equal("90;refresher=uas", OkTo(h, 7001).Header(HeaderNames.SessionExpires));
        h.At(45);
        Assert.Single(OurRefreshes(h));

        // The callee refreshes: a refresh naming nobody leaves that so too.
        var (h2, _, invite2) = await Answered("90;refresher=uas");
        h2.Transport.Deliver(PjsipUpdate(invite2, 7001, "90"));
        Assert.Equal("90;refresher=uac", OkTo(h2, 7001).Header(HeaderNames.SessionExpires));

        // §9: a request whose sender does not support timers (a proxy added Session-Expires) cannot name itself; we refresh,
        // and do not Require an extension it lacks.
        var (h3, _, invite3) = await Answered("90;refresher=uas");
        h3.Transport.Deliver(PjsipUpdate(invite3, 7001, "90;refresher=uac", supported: "100rel"));
        var ok = OkTo(h3, 7001);
        Assert.Equal("90;refresher=uas", ok.Header(HeaderNames.SessionExpires));
        Assert.False(SipUserAgent.Lists(ok, HeaderNames.Require, "timer"));
        h3.At(45);
        Assert.Single(OurRefreshes(h3));
    }

    [Fact]
    public async Task A_callee_that_named_itself_the_refresher_and_stops_refreshing_is_hung_up_on_before_the_interval_ends()
    {
        var (h, call, invite) = await Answered("90;refresher=uas");
        // Each refresh moves the deadline, 90 − min(32 s, 90 / 3) = 60 s after it: 45 s, 45 s more, then silence.
        h.At(45);
        h.Transport.Deliver(PjsipUpdate(invite, 5026, "90;refresher=uac"));
        h.At(45);
        h.Transport.Deliver(PjsipUpdate(invite, 5027, "90;refresher=uac"));
        h.At(59);
        Assert.False(call.IsEnded);
        Assert.Empty(h.Transport.SentRequests("BYE"));
        h.At(1);
        Assert.True(call.IsEnded);
        Assert.Equal(CallEndReason.SessionExpired, UaHarness.EndOf(call).Reason);
        var bye = h.Transport.SentRequests("BYE").Single();
        Assert.Equal(CalleeTag, bye.To.Tag);
    }

    [Fact]
    public async Task A_callee_that_hands_us_the_role_is_no_longer_watched()
    {
        var (h, call, invite) = await Answered("90;refresher=uas");
        h.Transport.Deliver(PjsipUpdate(invite, 5026, "90;refresher=uas"));
        h.At(45);
        var refresh = OurRefreshes(h).Single();
        h.Transport.Deliver(PjsipOk(refresh, "90;refresher=uac"));
        // Past the 60 s the watch would have hung up at: our next refresh instead, 45 s after the first.
        h.At(46);
        Assert.False(call.IsEnded);
        Assert.Empty(h.Transport.SentRequests("BYE"));
        Assert.Equal(2, OurRefreshes(h).Count);
    }

    [Fact]
    public async Task A_refresh_below_our_minimum_is_refused_with_422_and_min_se()
    {
        var (h, call, invite) = await Answered("90;refresher=uas");
        h.Transport.Deliver(PjsipUpdate(invite, 5026, "30;refresher=uac"));
        var refused = h.Transport.SentResponses(422).Single(r => r.CSeq.Number == 5026);
        Assert.Equal("90", refused.Header(HeaderNames.MinSe));
        Assert.False(call.IsEnded);
    }
}
