using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Parsing;
using Ncco.Sip.Sdp;
using Ncco.Sip.Tests.Support;

namespace Ncco.Sip.Tests.Dialogs;

/// <summary>Issue 17: REFER (RFC 3515) in a call's dialog — checks, 202, the NOTIFY subscription and its ends.</summary>
public class ReferTests
{
    private static readonly LocalMedia Local = new("127.0.0.1", 20000);

    private static (UaHarness H, IncomingCall Call) Connected(SipUserAgentOptions? options = null, string callId = "call-1")
    {
        var h = new UaHarness(options);
        var invite = UaHarness.Invite();
        if (callId != "call-1") invite = (SipRequest)invite.WithHeader(HeaderNames.CallId, callId);
        var call = h.Receive(invite);
        call.Answer(Local);
        h.Transport.Deliver(h.InDialog(call, "ACK", 1, "z9hG4bKack"));
        if (callId != "call-1")
        {
            // InDialog builds call-1 requests; re-address the ACK for this call.
            h.Transport.Deliver((SipRequest)h.InDialog(call, "ACK", 1, "z9hG4bKack2").WithHeader(HeaderNames.CallId, callId));
        }
        h.Transport.Clear();
        return (h, call);
    }

    private static SipRequest Refer(UaHarness h, IncomingCall call, string referTo, long cseq = 2, string branch = "z9hG4bKref", params SipHeader[] extra) =>
        h.InDialog(call, "REFER", cseq, branch, extra: [new(HeaderNames.ReferTo, referTo), .. extra]);

    private static SipResponse FinalTo(UaHarness h, string method) =>
        h.Transport.Sent.OfType<SipResponse>().Last(r => r.CSeq.Method == method && !r.IsProvisional);

    /// <summary>Each NOTIFY once (UDP retransmissions of an unanswered one left out).</summary>
    private static List<SipRequest> Notifies(UaHarness h) =>
        [.. h.Transport.SentRequests("NOTIFY").DistinctBy(n => n.CSeq.Number)];

    [Fact]
    public void A_blind_transfer_is_accepted_with_202_then_notified_trying_and_the_final_status()
    {
        var (h, call) = Connected();
        h.Transport.Deliver(Refer(h, call, "<sip:carol@192.0.2.9>", extra: new SipHeader(HeaderNames.ReferredBy, "<sip:alice@example.com>")));
        Assert.True(call.Transfers.TryRead(out var refer));
        Assert.Equal("sip:carol@192.0.2.9", refer.Target.ToString());
        Assert.Equal("alice", refer.ReferredBy!.Uri.User);
        Assert.Null(refer.Replaces);
        Assert.Equal(ReferState.Pending, refer.State);

        Assert.True(refer.Accept());
        Assert.Equal(202, FinalTo(h, "REFER").StatusCode);
        var trying = h.Transport.SentRequests("NOTIFY").Single();
        Assert.Equal("refer;id=2", trying.Header(HeaderNames.Event));
        Assert.StartsWith("active;expires=", trying.Header(HeaderNames.SubscriptionState), StringComparison.Ordinal);
        Assert.Equal("message/sipfrag;version=2.0", trying.ContentType);
        Assert.Equal("SIP/2.0 100 Trying\r\n", trying.BodyText);
        Assert.Equal("call-1", trying.CallId);
        Assert.Equal(call.LocalTag, trying.From.Tag);
        Assert.Equal("from1", trying.To.Tag);
        Assert.NotNull(trying.Header(HeaderNames.Contact));

        Assert.True(refer.Report(180));
        Assert.True(refer.Report(200, "OK"));
        var notifies = h.Transport.SentRequests("NOTIFY");
        Assert.Equal(3, notifies.Count);
        Assert.Equal("SIP/2.0 180 Ringing\r\n", notifies[1].BodyText);
        Assert.StartsWith("active", notifies[1].Header(HeaderNames.SubscriptionState), StringComparison.Ordinal);
        Assert.Equal("SIP/2.0 200 OK\r\n", notifies[2].BodyText);
        Assert.Equal("terminated;reason=noresource", notifies[2].Header(HeaderNames.SubscriptionState));
        Assert.True(notifies[0].CSeq.Number < notifies[1].CSeq.Number && notifies[1].CSeq.Number < notifies[2].CSeq.Number);
        Assert.Equal(ReferState.Terminated, refer.State);
        Assert.False(refer.Report(200), "nothing is sent after the final status");
        Assert.Equal(3, h.Transport.SentRequests("NOTIFY").Count);
    }

    [Fact]
    public void A_failed_transfer_is_notified_with_its_status_and_reason()
    {
        var (h, call) = Connected();
        h.Transport.Deliver(Refer(h, call, "sip:carol@192.0.2.9"));
        Assert.True(call.Transfers.TryRead(out var refer));
        refer.Accept();
        refer.Report(486, "Busy Here\r\nEvil: header");
        var last = h.Transport.SentRequests("NOTIFY").Last();
        // Line breaks in a reason can never split the sipfrag into headers of its own.
        Assert.Equal("SIP/2.0 486 Busy HereEvil: header\r\n", last.BodyText);
        Assert.Equal("terminated;reason=noresource", last.Header(HeaderNames.SubscriptionState));
    }

    [Fact]
    public void Refer_Sub_false_is_accepted_without_any_notify()
    {
        var (h, call) = Connected();
        h.Transport.Deliver(Refer(h, call, "<tel:+447700900123>", extra: new SipHeader(HeaderNames.ReferSub, "false")));
        Assert.True(call.Transfers.TryRead(out var refer));
        Assert.False(refer.Subscribed);
        Assert.True(refer.Accept());
        var accepted = FinalTo(h, "REFER");
        Assert.Equal(202, accepted.StatusCode);
        Assert.Equal("false", accepted.Header(HeaderNames.ReferSub));
        Assert.False(refer.Report(200));
        Assert.Empty(h.Transport.SentRequests("NOTIFY"));
        Assert.Equal("tel", refer.Target.Scheme);
    }

    [Fact]
    public void The_subscription_expires_with_a_timeout_notify_of_the_last_status()
    {
        var (h, call) = Connected(new SipUserAgentOptions { ReferSubscriptionLifetime = TimeSpan.FromSeconds(30) });
        h.Transport.Deliver(Refer(h, call, "sip:carol@192.0.2.9"));
        Assert.True(call.Transfers.TryRead(out var refer));
        refer.Accept();
        Assert.Equal("active;expires=30", h.Transport.SentRequests("NOTIFY")[0].Header(HeaderNames.SubscriptionState));
        h.At(10);
        refer.Report(180);
        Assert.Equal("active;expires=20", Notifies(h)[1].Header(HeaderNames.SubscriptionState));
        h.At(20.5);
        Assert.Equal(3, Notifies(h).Count);
        var last = Notifies(h).Last();
        Assert.Equal("terminated;reason=timeout", last.Header(HeaderNames.SubscriptionState));
        Assert.Equal("SIP/2.0 180 Ringing\r\n", last.BodyText);
        Assert.Equal(ReferState.Terminated, refer.State);
        Assert.False(refer.Report(200));
    }

    [Fact]
    public void A_notify_the_peer_refuses_ends_the_subscription()
    {
        var (h, call) = Connected();
        h.Transport.Deliver(Refer(h, call, "sip:carol@192.0.2.9"));
        Assert.True(call.Transfers.TryRead(out var refer));
        refer.Accept();
        var trying = h.Transport.SentRequests("NOTIFY").Single();
        h.Transport.Deliver(SipResponse.For(trying, 481, toTag: null));
        Assert.Equal(ReferState.Terminated, refer.State);
        Assert.False(refer.Report(200));
        Assert.Single(h.Transport.SentRequests("NOTIFY"));
    }

    [Fact]
    public void An_undecided_refer_is_refused_at_its_deadline_never_left_to_time_out()
    {
        var (h, call) = Connected();
        h.Transport.Deliver(Refer(h, call, "sip:carol@192.0.2.9"));
        h.At(5.1);
        var refused = FinalTo(h, "REFER");
        Assert.Equal(403, refused.StatusCode);
        Assert.Equal("Transfer Not Handled", refused.ReasonPhrase);
        Assert.True(call.Transfers.TryRead(out var refer));
        Assert.Equal(ReferState.Rejected, refer.State);
        Assert.False(refer.Accept());
    }

    [Fact]
    public void The_application_refuses_with_its_code_and_reason()
    {
        var (h, call) = Connected();
        h.Transport.Deliver(Refer(h, call, "sip:carol@192.0.2.9"));
        Assert.True(call.Transfers.TryRead(out var refer));
        Assert.True(refer.Reject(603, "Declined By Application"));
        var refused = FinalTo(h, "REFER");
        Assert.Equal(603, refused.StatusCode);
        Assert.Equal("Declined By Application", refused.ReasonPhrase);
        Assert.False(refer.Reject(403));
    }

    [Fact]
    public void A_second_refer_during_a_transfer_gets_491_and_one_after_it_is_taken()
    {
        var (h, call) = Connected();
        h.Transport.Deliver(Refer(h, call, "sip:carol@192.0.2.9"));
        Assert.True(call.Transfers.TryRead(out var first));
        first.Accept();
        h.Transport.Deliver(Refer(h, call, "sip:dave@192.0.2.9", cseq: 3, branch: "z9hG4bKref2"));
        Assert.Equal(491, FinalTo(h, "REFER").StatusCode);
        first.Report(200);
        h.Transport.Deliver(Refer(h, call, "sip:dave@192.0.2.9", cseq: 4, branch: "z9hG4bKref3"));
        Assert.True(call.Transfers.TryRead(out var second));
        Assert.Equal("dave", second.Target.User);
        second.Accept();
        Assert.Equal("refer;id=4", h.Transport.SentRequests("NOTIFY").Last().Header(HeaderNames.Event));
    }

    [Fact]
    public void When_the_call_ends_an_undecided_refer_gets_481_and_a_subscription_stops()
    {
        var (h, call) = Connected();
        h.Transport.Deliver(Refer(h, call, "sip:carol@192.0.2.9"));
        h.Transport.Deliver(h.InDialog(call, "BYE", 3, "z9hG4bKbye"));
        Assert.Equal(481, FinalTo(h, "REFER").StatusCode);
        Assert.True(call.Transfers.TryRead(out var refer));
        Assert.False(refer.Accept());

        var (h2, call2) = Connected();
        h2.Transport.Deliver(Refer(h2, call2, "sip:carol@192.0.2.9"));
        Assert.True(call2.Transfers.TryRead(out var active));
        active.Accept();
        h2.Transport.Deliver(h2.InDialog(call2, "BYE", 3, "z9hG4bKbye"));
        Assert.Equal(ReferState.Terminated, active.State);
        Assert.False(active.Report(200));
        Assert.Single(h2.Transport.SentRequests("NOTIFY"));
    }

    [Theory]
    [InlineData(null, 400, "Missing Refer-To")]
    [InlineData("<sip:carol@192.0.2.9", 400, null)]
    [InlineData("<http://example.com/>", 403, "Refer-To Scheme Not Supported")]
    [InlineData("<sip:carol@192.0.2.9;method=BYE>", 501, "Only INVITE Referrals Supported")]
    [InlineData("<sip:carol@192.0.2.9?Replaces=nonexistent%3Bto-tag%3Da%3Bfrom-tag%3Db>", 403, "Replaces Names No Call Here")]
    [InlineData("<sip:carol@192.0.2.9?Replaces=only-a-call-id>", 400, "Malformed Replaces: no to-tag")]
    public void A_refer_we_cannot_carry_out_is_refused_with_the_reason(string? referTo, int status, string? reason)
    {
        var (h, call) = Connected();
        var request = referTo is null ? h.InDialog(call, "REFER", 2, "z9hG4bKref") : Refer(h, call, referTo);
        h.Transport.Deliver(request);
        var refused = FinalTo(h, "REFER");
        Assert.Equal(status, refused.StatusCode);
        if (reason is not null) Assert.Equal(reason, refused.ReasonPhrase);
        Assert.False(call.Transfers.TryRead(out _));
        Assert.False(call.IsEnded);
    }

    [Fact]
    public void Two_refer_to_headers_and_a_bad_refer_sub_are_refused()
    {
        var (h, call) = Connected();
        h.Transport.Deliver(Refer(h, call, "sip:carol@192.0.2.9", extra: new SipHeader(HeaderNames.ReferTo, "sip:dave@192.0.2.9")));
        Assert.Equal("More Than One Refer-To", FinalTo(h, "REFER").ReasonPhrase);
        h.Transport.Deliver(Refer(h, call, "sip:carol@192.0.2.9", cseq: 3, branch: "z9hG4bKr3", extra: new SipHeader(HeaderNames.ReferSub, "maybe")));
        Assert.Equal(400, FinalTo(h, "REFER").StatusCode);
        Assert.False(call.Transfers.TryRead(out _));
    }

    [Fact]
    public void An_attended_transfer_names_the_other_call_this_agent_holds()
    {
        var h = new UaHarness();
        var first = h.Receive(UaHarness.Invite());
        first.Answer(Local);
        h.Transport.Deliver(h.InDialog(first, "ACK", 1, "z9hG4bKack"));
        var second = h.Receive((SipRequest)UaHarness.Invite("z9hG4bKinv2").WithHeader(HeaderNames.CallId, "call-2"));
        second.Answer(Local);
        h.Transport.Deliver((SipRequest)h.InDialog(second, "ACK", 1, "z9hG4bKack2").WithHeader(HeaderNames.CallId, "call-2"));

        var replaces = Uri.EscapeDataString($"call-2;to-tag={second.LocalTag};from-tag=from1");
        h.Transport.Deliver(Refer(h, first, $"<sip:bob@127.0.0.1?Replaces={replaces}>"));
        Assert.True(first.Transfers.TryRead(out var refer));
        Assert.Same(second, refer.ReplacedCall);
        Assert.Equal(new ReplacesTarget("call-2", second.LocalTag, "from1", false), refer.Replaces);
        Assert.Empty(refer.Target.Headers.Items);

        var self = Uri.EscapeDataString($"call-1;to-tag={first.LocalTag};from-tag=from1");
        var (h2, lone) = Connected();
        h2.Transport.Deliver(Refer(h2, lone, $"<sip:bob@127.0.0.1?Replaces={self.Replace(first.LocalTag, lone.LocalTag, StringComparison.Ordinal)}>"));
        Assert.Equal("Replaces Names The Referring Call", FinalTo(h2, "REFER").ReasonPhrase);
    }

    [Theory]
    [InlineData("abc@host;to-tag=1;from-tag=2", "abc@host", "1", "2", false)]
    [InlineData("abc ; from-tag=2 ; to-tag=1 ; early-only", "abc", "1", "2", true)]
    public void Replaces_values_are_read(string value, string callId, string toTag, string fromTag, bool earlyOnly) =>
        Assert.Equal(new ReplacesTarget(callId, toTag, fromTag, earlyOnly), ReplacesTarget.Parse(value));

    [Theory]
    [InlineData("", "no Call-ID")]
    [InlineData("abc;from-tag=2", "no to-tag")]
    [InlineData("abc;to-tag=1", "no from-tag")]
    public void Replaces_without_its_parts_is_refused_naming_the_part(string value, string reason)
    {
        var error = Assert.Throws<SipParseException>(() => ReplacesTarget.Parse(value));
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.Throws<SipParseException>(() => ReplacesTarget.Parse(new string('a', ReplacesTarget.MaxLength + 1)));
    }

    private static SipRequest Subscribe(UaHarness h, IncomingCall call, long cseq, string? expires, string? @event = "refer;id=2") =>
        h.InDialog(call, "SUBSCRIBE", cseq, "z9hG4bKsub" + cseq, extra:
            [.. @event is null ? Array.Empty<SipHeader>() : [new SipHeader(HeaderNames.Event, @event)],
             .. expires is null ? Array.Empty<SipHeader>() : [new SipHeader(HeaderNames.Expires, expires)]]);

    /// <summary>The peer answers every NOTIFY so far with 200 (an unanswered one would time out and end the subscription).</summary>
    private static void AnswerNotifies(UaHarness h)
    {
        foreach (var notify in Notifies(h)) h.Transport.Deliver(SipResponse.For(notify, 200, toTag: null));
    }

    private static (UaHarness H, IncomingCall Call, SipRefer Refer) Subscribed(int lifetimeSeconds = 30)
    {
        var (h, call) = Connected(new SipUserAgentOptions { ReferSubscriptionLifetime = TimeSpan.FromSeconds(lifetimeSeconds) });
        h.Transport.Deliver(Refer(h, call, "sip:carol@192.0.2.9"));
        Assert.True(call.Transfers.TryRead(out var refer));
        Assert.True(refer.Accept());
        AnswerNotifies(h);
        return (h, call, refer);
    }

    [Fact]
    public void A_subscribe_refreshes_the_refer_subscription_from_now_and_is_followed_by_a_notify_of_the_latest_status()
    {
        var (h, call, refer) = Subscribed();
        h.At(10);
        Assert.True(refer.Report(180));
        AnswerNotifies(h);
        h.At(15);

        h.Transport.Deliver(Subscribe(h, call, 3, "25"));
        var ok = FinalTo(h, "SUBSCRIBE");
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal("25", ok.Header(HeaderNames.Expires));
        Assert.NotNull(ok.Header(HeaderNames.Contact));
        var refreshed = Notifies(h).Last();
        Assert.Equal("SIP/2.0 180 Ringing\r\n", refreshed.BodyText);
        Assert.Equal("active;expires=25", refreshed.Header(HeaderNames.SubscriptionState));
        Assert.Equal("refer;id=2", refreshed.Header(HeaderNames.Event));
        AnswerNotifies(h);

        // Past the first term (30 s from the REFER): still active, and the countdown runs from the refresh.
        h.At(10);
        Assert.Equal(ReferState.Active, refer.State);
        Assert.Equal(3, Notifies(h).Count);
        Assert.True(refer.Report(183, "Session Progress"));
        Assert.Equal("active;expires=15", Notifies(h).Last().Header(HeaderNames.SubscriptionState));
        AnswerNotifies(h);

        h.At(15.5);
        var last = Notifies(h).Last();
        Assert.Equal("terminated;reason=timeout", last.Header(HeaderNames.SubscriptionState));
        Assert.Equal("SIP/2.0 183 Session Progress\r\n", last.BodyText);
        Assert.Equal(ReferState.Terminated, refer.State);

        // Once over, a refresh finds nothing to refresh.
        h.Transport.Deliver(Subscribe(h, call, 4, "60"));
        Assert.Equal(481, FinalTo(h, "SUBSCRIBE").StatusCode);
    }

    [Fact]
    public void A_refresh_longer_than_the_lifetime_or_without_expires_is_granted_the_lifetime()
    {
        var (h, call, _) = Subscribed();
        h.Transport.Deliver(Subscribe(h, call, 3, "3600"));
        Assert.Equal("30", FinalTo(h, "SUBSCRIBE").Header(HeaderNames.Expires));
        h.Transport.Deliver(Subscribe(h, call, 4, "99999999999999999999999"));
        Assert.Equal("30", FinalTo(h, "SUBSCRIBE").Header(HeaderNames.Expires));
        h.Transport.Deliver(Subscribe(h, call, 5, null, "refer"));
        var ok = FinalTo(h, "SUBSCRIBE");
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal("30", ok.Header(HeaderNames.Expires));
        Assert.Equal("active;expires=30", Notifies(h).Last().Header(HeaderNames.SubscriptionState));
    }

    [Fact]
    public void Expires_zero_unsubscribes_with_a_last_terminated_notify_and_nothing_after_it()
    {
        var (h, call, refer) = Subscribed();
        h.Transport.Deliver(Subscribe(h, call, 3, "0"));
        var ok = FinalTo(h, "SUBSCRIBE");
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal("0", ok.Header(HeaderNames.Expires));
        var last = Notifies(h).Last();
        Assert.Equal("terminated", last.Header(HeaderNames.SubscriptionState));
        Assert.Equal("SIP/2.0 100 Trying\r\n", last.BodyText);
        Assert.Equal(ReferState.Terminated, refer.State);
        Assert.False(refer.Report(200));
        var count = Notifies(h).Count;
        AnswerNotifies(h);
        h.At(60);
        Assert.Equal(count, Notifies(h).Count);
        Assert.False(call.IsEnded);
    }

    [Theory]
    [InlineData("presence", "60", 489, "Bad Event")]
    [InlineData(null, "60", 489, "Missing Event")]
    [InlineData("refer;id=7", "60", 481, "Subscription Does Not Exist")]
    [InlineData("refer;id=x", "60", 400, "Event id Is Not A Number")]
    [InlineData("refer;id=2", "-5", 400, "Expires")]
    [InlineData("refer;id=2", "soon", 400, "Expires")]
    public void A_subscribe_we_cannot_apply_is_refused_with_the_reason_and_changes_nothing(string? @event, string expires, int status, string reason)
    {
        var (h, call, refer) = Subscribed();
        var before = Notifies(h).Count;
        h.Transport.Deliver(Subscribe(h, call, 3, expires, @event));
        var refused = FinalTo(h, "SUBSCRIBE");
        Assert.Equal(status, refused.StatusCode);
        Assert.StartsWith(reason, refused.ReasonPhrase, StringComparison.Ordinal);
        if (status == 489) Assert.Equal("refer", refused.Header(HeaderNames.AllowEvents));
        Assert.Equal(before, Notifies(h).Count);
        Assert.Equal(ReferState.Active, refer.State);
    }

    [Fact]
    public void A_subscribe_in_a_call_without_a_refer_gets_481()
    {
        var (h, call) = Connected();
        h.Transport.Deliver(Subscribe(h, call, 2, "60", "refer"));
        Assert.Equal(481, FinalTo(h, "SUBSCRIBE").StatusCode);
        Assert.Empty(h.Transport.SentRequests("NOTIFY"));
    }

    [Fact]
    public void Refer_is_listed_in_allow()
    {
        Assert.Contains("REFER", SipUserAgent.AllowedMethods, StringComparison.Ordinal);
        Assert.Contains("SUBSCRIBE", SipUserAgent.AllowedMethods, StringComparison.Ordinal);
        Assert.Equal("refer", SipUserAgent.AllowedEvents);
    }
}
