using System.Text;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;
using Ncco.Sip.Tests.Support;

namespace Ncco.Sip.Tests.Dialogs;

/// <summary>
/// Session timers on calls made to us when the caller asks us to refresh (<c>Session-Expires: N;refresher=uas</c>):
/// RFC 4028 §9 has the answer keep the caller's choice, and §10 has the refresher re-INVITE at half the interval. Before,
/// we answered <c>refresher=uac</c> whatever was asked, so a caller waiting for our refreshes ended the call at the
/// interval (scripts/interop/asterisk.sh found it; Asterisk itself always refreshes, other PBXes and SBCs ask).
/// </summary>
public sealed class SessionRefreshServerTests
{
    private static readonly LocalMedia Local = new("127.0.0.1", 30000);

    private static (UaHarness H, IncomingCall Call) Answered(string sessionExpires)
    {
        var h = new UaHarness();
        var call = h.Receive(UaHarness.Invite(extra: [new(HeaderNames.SessionExpires, sessionExpires), new(HeaderNames.Supported, "timer")]));
        call.Answer(Local);
        h.Transport.Deliver(h.InDialog(call, "ACK", 1, "z9hG4bKack"));
        return (h, call);
    }

    private static List<SipRequest> Refreshes(UaHarness h) => [.. h.Transport.SentRequests("INVITE").DistinctBy(r => r.CSeq.Number)];

    private static SipResponse Ok(SipRequest refresh, string? sessionExpires)
    {
        var ok = SipResponse.For(refresh, 200, toTag: refresh.To.Tag);
        if (sessionExpires is not null)
        {
            ok = ok.AddHeader(HeaderNames.SessionExpires, sessionExpires).AddHeader(HeaderNames.Require, "timer");
        }
        var answer = "v=0\r\no=- 1 2 IN IP4 127.0.0.9\r\ns=-\r\nc=IN IP4 127.0.0.9\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
        return ok.AddHeader(HeaderNames.ContentType, "application/sdp") with { Body = Encoding.ASCII.GetBytes(answer) };
    }

    [Fact]
    public void Asked_to_refresh_we_answer_refresher_uas_and_reinvite_at_half_the_interval_with_what_each_2xx_grants()
    {
        var (h, call) = Answered("90;refresher=uas");
        Assert.Equal("90;refresher=uas", h.Transport.SentResponses(200).First().Header(HeaderNames.SessionExpires));
        Assert.True(call.RefreshesSession);
        h.At(44);
        Assert.Empty(Refreshes(h));
        h.At(1);
        var first = Refreshes(h).Single();
        // In our own re-INVITE we are its UAC, so "uac" names us (RFC 4028 §4: the roles are the transaction's).
        Assert.Equal("90;refresher=uac", first.Header(HeaderNames.SessionExpires));
        Assert.True(SipUserAgent.Lists(first, HeaderNames.Supported, "timer"));
        Assert.Equal(30000, SdpParser.Parse(first.BodyText).Media[0].Port);

        h.Transport.Deliver(Ok(first, "120;refresher=uac"));
        Assert.Contains(h.Transport.SentRequests("ACK"), a => a.CSeq.Number == first.CSeq.Number);
        h.At(59);
        Assert.Single(Refreshes(h));
        h.At(1);
        Assert.Equal(2, Refreshes(h).Count);
        Assert.Equal("120;refresher=uac", Refreshes(h)[1].Header(HeaderNames.SessionExpires));
        // The refresher waits for nobody's refresh: no BYE however long the answered refreshes keep it going.
        h.Transport.Deliver(Ok(Refreshes(h)[1], "120;refresher=uac"));
        h.At(59);
        Assert.Equal(2, Refreshes(h).Count);
        Assert.Empty(h.Transport.SentRequests("BYE"));
        Assert.False(call.IsEnded);
    }

    [Fact]
    public void The_caller_taking_the_role_back_in_a_refresh_answer_makes_us_wait_for_its_refreshes()
    {
        var (h, call) = Answered("90;refresher=uas");
        h.At(45);
        h.Transport.Deliver(Ok(Refreshes(h).Single(), "90;refresher=uas"));
        Assert.False(call.RefreshesSession);
        // Now the caller refreshes; without one the call ends 60 s (90 − 30) after our refresh was answered.
        h.At(59);
        Assert.Single(Refreshes(h));
        Assert.False(call.IsEnded);
        h.At(1.1);
        Assert.Single(h.Transport.SentRequests("BYE"));
        Assert.Equal(CallEndReason.SessionExpired, UaHarness.EndOf(call).Reason);
    }

    [Fact]
    public void A_refresh_answer_without_session_expires_turns_the_timer_off()
    {
        var (h, call) = Answered("90;refresher=uas");
        h.At(45);
        h.Transport.Deliver(Ok(Refreshes(h).Single(), null));
        h.At(1000);
        Assert.Single(Refreshes(h));
        Assert.Empty(h.Transport.SentRequests("BYE"));
        Assert.False(call.IsEnded);
        Assert.Null(call.SessionInterval);
    }

    [Fact]
    public void A_caller_refresh_can_hand_the_role_over_either_way_and_one_naming_nobody_keeps_it()
    {
        var (h, call) = Answered("90;refresher=uac");
        Assert.False(call.RefreshesSession);
        // An UPDATE naming us (uas: its receiver): we answer so and refresh from then on.
        h.At(30);
        h.Transport.Deliver(h.InDialog(call, "UPDATE", 2, "z9hG4bKupd1", extra: [new(HeaderNames.SessionExpires, "100;refresher=uas")]));
        Assert.Equal("100;refresher=uas", h.Transport.SentResponses(200).Last().Header(HeaderNames.SessionExpires));
        Assert.True(call.RefreshesSession);
        h.At(49);
        Assert.Empty(Refreshes(h));
        h.At(1);
        var refresh = Refreshes(h).Single();
        Assert.Equal("100;refresher=uac", refresh.Header(HeaderNames.SessionExpires));
        h.Transport.Deliver(Ok(refresh, "100;refresher=uac"));

        // An UPDATE naming nobody keeps us the refresher; one naming its sender hands the role back.
        h.Transport.Deliver(h.InDialog(call, "UPDATE", 3, "z9hG4bKupd2", extra: [new(HeaderNames.SessionExpires, "100")]));
        Assert.Equal("100;refresher=uas", h.Transport.SentResponses(200).Last().Header(HeaderNames.SessionExpires));
        Assert.True(call.RefreshesSession);
        h.Transport.Deliver(h.InDialog(call, "UPDATE", 4, "z9hG4bKupd3", extra: [new(HeaderNames.SessionExpires, "100;refresher=uac")]));
        Assert.Equal("100;refresher=uac", h.Transport.SentResponses(200).Last().Header(HeaderNames.SessionExpires));
        Assert.False(call.RefreshesSession);
        h.At(200);
        Assert.Single(Refreshes(h));
        Assert.Equal(CallEndReason.SessionExpired, UaHarness.EndOf(call).Reason);
    }

    [Fact]
    public void A_caller_without_timer_support_or_naming_itself_refreshes_or_gets_no_timer_as_before()
    {
        var (h, call) = Answered("90;refresher=uac");
        Assert.Equal("90;refresher=uac", h.Transport.SentResponses(200).First().Header(HeaderNames.SessionExpires));
        Assert.False(call.RefreshesSession);

        var h2 = new UaHarness();
        var call2 = h2.Receive(UaHarness.Invite(extra: [new(HeaderNames.SessionExpires, "90;refresher=uas")]));
        call2.Answer(Local);
        Assert.Null(h2.Transport.SentResponses(200).Single().Header(HeaderNames.SessionExpires));
        Assert.False(call2.RefreshesSession);
        Assert.Null(call2.SessionInterval);
    }

    [Fact]
    public void A_hung_up_call_stops_refreshing()
    {
        var (h, call) = Answered("90;refresher=uas");
        _ = call.HangupAsync();
        h.At(300);
        Assert.Empty(Refreshes(h));
    }

    [Theory]
    [InlineData("90;refresher=uas", true, 90, "Uas")]
    [InlineData("90 ; Refresher = UAC", true, 90, "Uac")]
    [InlineData("1800", true, 1800, "Unspecified")]
    [InlineData("90;refresher=proxy;x=y", true, 90, "Unspecified")]
    [InlineData("90;x;refresher=uas", true, 90, "Uas")]
    [InlineData("0;refresher=uas", false, 0, "Unspecified")]
    [InlineData("-5", false, 0, "Unspecified")]
    [InlineData("abc;refresher=uac", false, 0, "Unspecified")]
    [InlineData("99999999999", false, 0, "Unspecified")]
    public void Session_expires_reads_its_interval_and_refresher(string value, bool read, int seconds, string refresher)
    {
        Assert.Equal(read, SessionTimerHeader.TryRead(value, out var interval, out var who));
        Assert.Equal(TimeSpan.FromSeconds(seconds), interval);
        Assert.Equal(refresher, who.ToString());
    }
}
