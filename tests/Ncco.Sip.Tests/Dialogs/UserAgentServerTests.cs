using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;
using Ncco.Sip.Tests.Support;

namespace Ncco.Sip.Tests.Dialogs;

/// <summary>The UAS side on virtual time, with the test playing the caller.</summary>
public sealed class UserAgentServerTests
{
    private static readonly LocalMedia Local = new("127.0.0.1", 20000);

    [Fact]
    public void Answer_2xx_is_retransmitted_until_the_ack()
    {
        var h = new UaHarness();
        var call = h.Receive(UaHarness.Invite());
        call.Answer(Local);
        h.At(0.5);
        h.At(1.0);
        Assert.Equal(3, h.Transport.SentResponses(200).Count);

        h.Transport.Deliver(h.InDialog(call, "ACK", 1, "z9hG4bKack"));
        Assert.True(call.Confirmed.IsCompleted);
        h.At(30);
        Assert.Equal(3, h.Transport.SentResponses(200).Count);
        Assert.Empty(h.Transport.SentRequests("BYE"));
    }

    [Fact]
    public void Answer_without_ack_ends_the_call_with_bye_after_64_t1()
    {
        var h = new UaHarness();
        var call = h.Receive(UaHarness.Invite());
        call.Answer(Local);
        h.At(31.9);
        Assert.False(call.IsEnded);
        h.At(0.2);
        Assert.Single(h.Transport.SentRequests("BYE"));
        Assert.Equal(CallEndReason.Timeout, UaHarness.EndOf(call).Reason);
        Assert.Equal(0, h.Agent.DialogCount);
    }

    [Fact]
    public void Session_timer_is_accepted_with_the_uac_refreshing_and_expires_without_refresh()
    {
        var h = new UaHarness();
        var call = h.Receive(UaHarness.Invite(extra: [new(HeaderNames.SessionExpires, "90"), new(HeaderNames.Supported, "timer")]));
        call.Answer(Local);
        var ok = h.Transport.SentResponses(200).Single();
        Assert.Equal("90;refresher=uac", ok.Header(HeaderNames.SessionExpires));
        Assert.Equal("timer", ok.Header(HeaderNames.Require));
        h.Transport.Deliver(h.InDialog(call, "ACK", 1, "z9hG4bKack"));

        // A refresh (UPDATE) at 50 s restarts the interval…
        h.At(50);
        h.Transport.Deliver(h.InDialog(call, "UPDATE", 2, "z9hG4bKupd", extra: [new(HeaderNames.SessionExpires, "90;refresher=uac")]));
        Assert.Equal("90;refresher=uac", h.Transport.SentResponses(200).Last().Header(HeaderNames.SessionExpires));
        h.At(59);
        Assert.False(call.IsEnded);

        // …and without another one the call ends 60 s (90 − 30) after it.
        h.At(1.1);
        Assert.Single(h.Transport.SentRequests("BYE"));
        Assert.Equal(CallEndReason.SessionExpired, UaHarness.EndOf(call).Reason);
    }

    [Fact]
    public void Session_interval_below_min_se_is_refused_with_422()
    {
        var h = new UaHarness();
        h.Transport.Deliver(UaHarness.Invite(extra: [new(HeaderNames.SessionExpires, "30"), new(HeaderNames.Supported, "timer")]));
        var refusal = h.Transport.SentResponses(422).Single();
        Assert.Equal("90", refusal.Header(HeaderNames.MinSe));
        Assert.Null(h.TryAccept());
    }

    [Fact]
    public void Audio_changes_nobody_reads_are_bounded_and_the_latest_is_kept()
    {
        var h = new UaHarness();
        var call = h.Receive(UaHarness.Invite());
        call.Answer(Local);
        h.Transport.Deliver(h.InDialog(call, "ACK", 1, "z9hG4bKack"));

        // 20 re-INVITEs, hold and resume in turn, while nothing reads the call's changes.
        const int reinvites = SipCall.MaxQueuedMediaChanges + 4;
        for (var i = 0; i < reinvites; i++)
        {
            var cseq = i + 2;
            var offer = UaHarness.Offer.Replace("o=- 1 1", $"o=- 1 {cseq}", StringComparison.Ordinal) + (i % 2 == 0 ? "a=sendonly\r\n" : "");
            h.Transport.Deliver(h.InDialog(call, "INVITE", cseq, $"z9hG4bKre{i}", offer, "application/sdp"));
            h.Transport.Deliver(h.InDialog(call, "ACK", cseq, $"z9hG4bKack{i}"));
        }
        Assert.Equal(reinvites, h.Transport.SentResponses(200).Count(r => r.CSeq.Method == "INVITE" && r.CSeq.Number >= 2));

        var changes = new List<NegotiatedAudio>();
        while (call.MediaChanges.TryRead(out var audio)) changes.Add(audio);
        // The oldest went; the last one read is the call's state now (the 20th re-INVITE: resumed).
        Assert.Equal(SipCall.MaxQueuedMediaChanges, changes.Count);
        Assert.False(changes[^1].IsOnHold);
        Assert.True(changes[^2].IsOnHold);
    }

    [Fact]
    public void Reinvite_with_sendonly_is_answered_recvonly_and_published_as_hold()
    {
        var h = new UaHarness();
        var call = h.Receive(UaHarness.Invite());
        call.Answer(Local);
        h.Transport.Deliver(h.InDialog(call, "ACK", 1, "z9hG4bKack"));

        var hold = UaHarness.Offer.Replace("o=- 1 1", "o=- 1 2", StringComparison.Ordinal) + "a=sendonly\r\n";
        h.Transport.Deliver(h.InDialog(call, "INVITE", 2, "z9hG4bKre", hold, "application/sdp"));
        var ok = h.Transport.SentResponses(200).Last();
        Assert.Equal(MediaDirection.RecvOnly, SdpParser.Parse(ok.BodyText).Media[0].Direction);
        Assert.Equal(2UL, SdpParser.Parse(ok.BodyText).Origin.SessionVersion);
        Assert.True(call.MediaChanges.TryRead(out var audio));
        Assert.True(audio.IsOnHold);

        // The re-INVITE's 2xx is repeated until its ACK too.
        h.At(0.5);
        Assert.Equal(2, h.Transport.SentResponses(200).Count(r => r.CSeq.Number == 2));
        h.Transport.Deliver(h.InDialog(call, "ACK", 2, "z9hG4bKack2"));
        h.At(10);
        Assert.Equal(2, h.Transport.SentResponses(200).Count(r => r.CSeq.Number == 2));
    }

    [Fact]
    public void Reinvite_without_common_codec_gets_488_and_the_call_stays()
    {
        var h = new UaHarness();
        var call = h.Receive(UaHarness.Invite());
        call.Answer(Local);
        var bad = "v=0\r\no=- 1 3 IN IP4 192.0.2.50\r\ns=-\r\nc=IN IP4 192.0.2.50\r\nt=0 0\r\nm=audio 30000 RTP/AVP 18\r\n";
        h.Transport.Deliver(h.InDialog(call, "INVITE", 2, "z9hG4bKre2", bad, "application/sdp"));
        Assert.Single(h.Transport.SentResponses(488));
        Assert.False(call.IsEnded);
    }

    [Fact]
    public void Bye_ends_the_call_and_a_second_bye_finds_no_dialog()
    {
        var h = new UaHarness();
        var call = h.Receive(UaHarness.Invite());
        call.Answer(Local);
        h.Transport.Deliver(h.InDialog(call, "ACK", 1, "z9hG4bKack"));
        h.Transport.Deliver(h.InDialog(call, "BYE", 2, "z9hG4bKbye"));
        Assert.Equal(CallEndReason.RemoteHangup, UaHarness.EndOf(call).Reason);
        h.Transport.Deliver(h.InDialog(call, "BYE", 3, "z9hG4bKbye2"));
        Assert.Single(h.Transport.SentResponses(481));
    }

    [Fact]
    public void Out_of_order_cseq_in_dialog_is_refused()
    {
        var h = new UaHarness();
        var call = h.Receive(UaHarness.Invite());
        call.Answer(Local);
        h.Transport.Deliver(h.InDialog(call, "OPTIONS", 5, "z9hG4bKo5"));
        h.Transport.Deliver(h.InDialog(call, "OPTIONS", 4, "z9hG4bKo4"));
        Assert.Equal("CSeq Out Of Order", h.Transport.SentResponses(500).Single().ReasonPhrase);
    }

    [Theory]
    [InlineData("BYE", 481)]
    [InlineData("FOO", 501)]
    [InlineData("REGISTER", 405)]
    public void Requests_we_do_not_serve_get_the_right_status(string method, int status)
    {
        var h = new UaHarness();
        h.Transport.Deliver(Requests.Make(method, "z9hG4bKm" + method));
        Assert.Single(h.Transport.SentResponses(status));
        Assert.Equal(0, h.Agent.DialogCount);
    }

    [Fact]
    public void Unsupported_extension_body_type_and_scheme_are_refused()
    {
        var h = new UaHarness();
        h.Transport.Deliver(UaHarness.Invite("z9hG4bKr1", new SipHeader(HeaderNames.Require, "100rel, foo")));
        Assert.Equal("foo", h.Transport.SentResponses(420).Single().Header(HeaderNames.Unsupported));

        h.Transport.Deliver(Requests.Make("INVITE", "z9hG4bKr2", body: "<xml/>", contentType: "application/xml"));
        Assert.Single(h.Transport.SentResponses(415));

        h.Transport.Deliver(Requests.Make("INVITE", "z9hG4bKr3") with { Uri = SipUri.Parse("mailto:bob@example.com") });
        Assert.Single(h.Transport.SentResponses(416));

        h.Transport.Deliver(Requests.Make("INVITE", "z9hG4bKr4", body: "v=1\r\n", contentType: "application/sdp"));
        Assert.Contains("SDP", h.Transport.SentResponses(400).Single().ReasonPhrase, StringComparison.Ordinal);
        Assert.Null(h.TryAccept());
    }

    [Fact]
    public void Cancel_of_an_unanswered_call_answers_200_and_487()
    {
        var h = new UaHarness();
        var call = h.Receive(UaHarness.Invite("z9hG4bKcx"));
        call.Ring();
        h.Transport.Deliver(Requests.Make("CANCEL", "z9hG4bKcx"));
        Assert.Single(h.Transport.SentResponses(200));
        var terminated = h.Transport.SentResponses(487).Single();
        Assert.Equal(call.LocalTag, terminated.To.Tag);
        Assert.Equal(CallEndReason.Cancelled, UaHarness.EndOf(call).Reason);

        h.Transport.Deliver(Requests.Make("CANCEL", "z9hG4bKunknown"));
        Assert.Single(h.Transport.SentResponses(481));
    }

    [Fact]
    public void Unanswered_call_is_ended_when_the_transaction_gives_up()
    {
        var h = new UaHarness();
        var call = h.Receive(UaHarness.Invite());
        h.At(180.1);
        Assert.Equal(new CallEnd(CallEndReason.Timeout, 408), UaHarness.EndOf(call));
        h.Transport.Deliver(h.InDialog(call, "ACK", 1, "z9hG4bKack"));
        h.At(40);
        Assert.Equal(0, h.Agent.Layer.ServerCount);
        Assert.Equal(0, h.Time.ActiveTimers);
    }

    [Fact]
    public async Task Crossing_reinvites_get_491()
    {
        var h = new UaHarness();
        var call = h.Receive(UaHarness.Invite());
        call.Answer(Local);
        h.Transport.Deliver(h.InDialog(call, "ACK", 1, "z9hG4bKack"));

        var ours = h.Agent.ReinviteAsync(call, Local with { Direction = MediaDirection.SendOnly });
        Assert.Single(h.Transport.SentRequests("INVITE"));
        h.Transport.Deliver(h.InDialog(call, "INVITE", 2, "z9hG4bKglare", UaHarness.Offer, "application/sdp"));
        Assert.Single(h.Transport.SentResponses(491));
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.Agent.ReinviteAsync(call, Local));

        // The peer backs off too and answers ours with 491; then its own re-INVITE is welcome again.
        var sent = h.Transport.SentRequests("INVITE").Single();
        h.Transport.Deliver(SipResponse.For(sent, 491));
        Assert.Equal(491, (await ours.WaitAsync(TimeSpan.FromSeconds(10))).StatusCode);
        h.Transport.Deliver(h.InDialog(call, "INVITE", 3, "z9hG4bKretry", UaHarness.Offer, "application/sdp"));
        Assert.Single(h.Transport.SentResponses(200), r => r.CSeq.Number == 3);
    }

    [Fact]
    public async Task Dispose_ends_calls_and_leaves_no_transaction_or_timer_running()
    {
        var h = new UaHarness();
        var answered = h.Receive(UaHarness.Invite("z9hG4bKd1"));
        answered.Answer(Local);
        var ringing = h.Receive(Requests.Make("INVITE", "z9hG4bKd2", callId: "call-2", body: UaHarness.Offer, contentType: "application/sdp"));
        ringing.Ring();
        h.Transport.Deliver(Requests.Make("OPTIONS", "z9hG4bKd3"));

        await h.Agent.DisposeAsync();

        Assert.Equal(CallEndReason.LocalHangup, UaHarness.EndOf(answered).Reason);
        Assert.Equal(CallEndReason.LocalHangup, UaHarness.EndOf(ringing).Reason);
        Assert.Equal(0, h.Agent.Layer.ServerCount);
        Assert.Equal(0, h.Agent.DialogCount);
        Assert.Equal(0, h.Time.ActiveTimers);
    }

    private static SipRequest LateOfferInvite() => Requests.Make("INVITE", "z9hG4bKlate");

    [Fact]
    public void Late_offer_puts_our_offer_in_the_200_and_its_retransmissions_and_takes_the_answer_from_the_ack()
    {
        var h = new UaHarness();
        var call = h.Receive(LateOfferInvite());
        Assert.Null(call.Offer);
        Assert.Null(call.Answer(Local));
        h.At(0.5);
        var oks = h.Transport.SentResponses(200);
        Assert.Equal(2, oks.Count);
        foreach (var ok in oks)
        {
            Assert.Equal("application/sdp", ok.Header(HeaderNames.ContentType));
            var offer = SdpParser.Parse(ok.BodyText);
            Assert.Equal(20000, offer.Media.Single().Port);
            Assert.Contains("0", offer.Media.Single().Formats);
        }

        h.Transport.Deliver(h.InDialog(call, "ACK", 1, "z9hG4bKack", UaHarness.Offer.Replace("RTP/AVP 0 101", "RTP/AVP 0", StringComparison.Ordinal), "application/sdp"));
        Assert.True(call.Confirmed.IsCompleted);
        Assert.False(call.IsEnded);
        Assert.Equal("PCMU", call.Audio!.Codec.Name);
        Assert.Equal("192.0.2.50", call.Audio.RemoteAddress);
        Assert.Equal(30000, call.Audio.RemotePort);
        Assert.Null(call.AnswerFailure);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("v=0\r\no=- 1 1 IN IP4 192.0.2.50\r\ns=-\r\nc=IN IP4 192.0.2.50\r\nt=0 0\r\nm=audio 30000 RTP/AVP 18\r\n", "application/sdp")]
    [InlineData("not sdp", "application/sdp")]
    public void Late_offer_whose_ack_has_no_usable_answer_is_ended_with_bye(string body, string? contentType)
    {
        var h = new UaHarness();
        var call = h.Receive(LateOfferInvite());
        call.Answer(Local);

        h.Transport.Deliver(h.InDialog(call, "ACK", 1, "z9hG4bKack", body, contentType));
        Assert.True(call.Confirmed.IsCompleted);
        Assert.Single(h.Transport.SentRequests("BYE"));
        Assert.Equal(CallEndReason.MediaNegotiationFailed, UaHarness.EndOf(call).Reason);
        Assert.NotNull(call.AnswerFailure);
        Assert.Null(call.Audio);
    }

    [Fact]
    public void A_caller_that_requires_100rel_gets_a_reliable_180_repeated_until_its_prack()
    {
        var h = new UaHarness();
        var call = h.Receive(UaHarness.Invite(extra: [new(HeaderNames.Require, "100rel"), new(HeaderNames.Supported, "100rel")]));
        Assert.True(call.ReliableProvisional);
        call.Ring();
        var ringing = h.Transport.SentResponses(180).Single();
        Assert.Equal("100rel", ringing.Header(HeaderNames.Require));
        var rseq = long.Parse(ringing.Header(HeaderNames.RSeq)!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(rseq, 1, (1L << 31) - 1);
        Assert.NotNull(ringing.Header(HeaderNames.Contact));
        // T1, then 2·T1: the same 180, same RSeq.
        h.At(0.5);
        h.At(1.0);
        Assert.Equal(3, h.Transport.SentResponses(180).Count);
        Assert.All(h.Transport.SentResponses(180), r => Assert.Equal(rseq.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Header(HeaderNames.RSeq)));
        // A second ring while the first is unacknowledged sends nothing (one reliable response at a time).
        call.Ring();
        Assert.Equal(3, h.Transport.SentResponses(180).Count);

        // A PRACK naming another RSeq is 481; a garbled RAck 400; the right one 200, and the repeats stop.
        h.Transport.Deliver(h.InDialog(call, "PRACK", 2, "z9hG4bKpr1", extra: [new(HeaderNames.RAck, $"{rseq + 5} 1 INVITE")]));
        h.Transport.Deliver(h.InDialog(call, "PRACK", 3, "z9hG4bKpr2", extra: [new(HeaderNames.RAck, "one 1 INVITE")]));
        h.Transport.Deliver(h.InDialog(call, "PRACK", 4, "z9hG4bKpr3", extra: [new(HeaderNames.RAck, $"{rseq} 1 INVITE")]));
        Assert.Single(h.Transport.SentResponses(481));
        Assert.Single(h.Transport.SentResponses(400));
        var ok = Assert.Single(h.Transport.SentResponses(200));
        Assert.Equal("PRACK", ok.CSeq.Method);
        h.At(10);
        Assert.Equal(3, h.Transport.SentResponses(180).Count);

        // The same PRACK again acknowledges nothing outstanding; the call answers as usual.
        h.Transport.Deliver(h.InDialog(call, "PRACK", 5, "z9hG4bKpr4", extra: [new(HeaderNames.RAck, $"{rseq} 1 INVITE")]));
        Assert.Equal(2, h.Transport.SentResponses(481).Count);
        call.Answer(Local);
        Assert.Equal("INVITE", h.Transport.SentResponses(200).Last().CSeq.Method);
    }

    [Fact]
    public void A_reliable_180_never_pracked_fails_the_call_with_504_after_64_t1()
    {
        var h = new UaHarness();
        var call = h.Receive(UaHarness.Invite(extra: [new(HeaderNames.Require, "100rel")]));
        call.Ring();
        h.At(31);
        Assert.False(call.IsEnded);
        h.At(1.1);
        Assert.Single(h.Transport.SentResponses(504));
        Assert.Equal(CallEndReason.Timeout, UaHarness.EndOf(call).Reason);
        // Sent at 0, 0.5, 1.5, 3.5, 7.5, 15.5 and 31.5 s.
        Assert.Equal(7, h.Transport.SentResponses(180).Count);
    }

    [Fact]
    public void A_caller_that_only_supports_100rel_gets_a_plain_180_and_a_stray_prack_gets_481()
    {
        var h = new UaHarness();
        var call = h.Receive(UaHarness.Invite(extra: [new(HeaderNames.Supported, "100rel")]));
        Assert.False(call.ReliableProvisional);
        call.Ring();
        Assert.Null(h.Transport.SentResponses(180).Single().Header(HeaderNames.RSeq));
        h.Transport.Deliver(h.InDialog(call, "PRACK", 2, "z9hG4bKpr1", extra: [new(HeaderNames.RAck, "1 1 INVITE")]));
        Assert.Single(h.Transport.SentResponses(481));
        h.Transport.Deliver(Requests.Make("PRACK", "z9hG4bKpr2"));
        Assert.Equal(2, h.Transport.SentResponses(481).Count);
    }
}
