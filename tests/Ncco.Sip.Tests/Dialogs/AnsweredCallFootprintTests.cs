using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;
using Ncco.Sip.Tests.Support;

namespace Ncco.Sip.Tests.Dialogs;

/// <summary>
/// What an answered call keeps once its ACK came (issue 19): the INVITE (the application reads its headers), the dialog,
/// and a transaction reduced to its key — not its 2xx nor stopped timers — while the SIP behaviour stays RFC 3261/6026's.
/// </summary>
public sealed class AnsweredCallFootprintTests
{
    private static readonly LocalMedia Local = new("127.0.0.1", 20000);

    [Fact]
    public void After_the_ack_the_call_drops_its_2xx_and_timers_and_still_absorbs_copies_cancel_reinvite_and_bye()
    {
        var h = new UaHarness();
        var invite = UaHarness.Invite("z9hG4bKfp1");
        var call = h.Receive(invite);
        call.Answer(Local);
        Assert.True(call.Held.Answer); // repeated until the ACK
        Assert.False(call.Transaction.HoldsRequest);
        Assert.Equal("call-1", call.Invite.CallId);
        Assert.Equal(UaHarness.Offer, call.Invite.BodyText);

        h.At(0.5);
        Assert.Equal(2, h.Transport.SentResponses(200).Count); // the 2xx still repeats before the ACK
        h.Transport.Deliver(h.InDialog(call, "ACK", 1, "z9hG4bKfpack"));
        Assert.True(call.Confirmed.IsCompleted);
        Assert.Equal((false, 0), call.Held);

        // A late copy of the INVITE is absorbed by the accepted transaction: no second call, no 2xx resent.
        h.Transport.Deliver(invite);
        Assert.Null(h.TryAccept());
        Assert.Equal(2, h.Transport.SentResponses(200).Count);
        h.At(10);
        Assert.Equal(2, h.Transport.SentResponses(200).Count);

        // A CANCEL crossing the 2xx gets its 200 and changes nothing (§9.2).
        h.Transport.Deliver(Requests.Make("CANCEL", "z9hG4bKfp1"));
        Assert.Equal(3, h.Transport.SentResponses(200).Count);
        Assert.Empty(h.Transport.SentResponses(487));
        Assert.False(call.IsEnded);

        // A re-INVITE is answered from the dialog, and its 2xx repeats until its own ACK.
        var hold = UaHarness.Offer.Replace("o=- 1 1", "o=- 1 2", StringComparison.Ordinal) + "a=sendonly\r\n";
        h.Transport.Deliver(h.InDialog(call, "INVITE", 2, "z9hG4bKfpre", hold, "application/sdp"));
        var ok = h.Transport.SentResponses(200).Last();
        Assert.Equal(2, ok.CSeq.Number);
        Assert.Equal(MediaDirection.RecvOnly, SdpParser.Parse(ok.BodyText).Media[0].Direction);
        h.Transport.Deliver(h.InDialog(call, "ACK", 2, "z9hG4bKfpack2"));

        // The BYE ends it; a copy of the BYE gets the same 200 from the completed transaction's bytes.
        var bye = h.InDialog(call, "BYE", 3, "z9hG4bKfpbye");
        h.Transport.Deliver(bye);
        Assert.Equal(CallEndReason.RemoteHangup, UaHarness.EndOf(call).Reason);
        h.Transport.Deliver(bye);
        Assert.Equal(2, h.Transport.SentResponses(200).Count(r => r.CSeq.Method == "BYE"));
        Assert.Equal((false, 0), call.Held);
        h.At(40);
        Assert.Equal(0, h.Agent.Layer.ServerCount);
        Assert.Equal(0, h.Time.ActiveTimers);
    }

    [Fact]
    public void A_call_ended_before_its_ack_lets_go_of_the_2xx_and_timers()
    {
        var h = new UaHarness();
        var call = h.Receive(UaHarness.Invite("z9hG4bKfp2"));
        call.Answer(Local);
        h.Transport.Deliver(h.InDialog(call, "BYE", 2, "z9hG4bKfpbye2"));
        Assert.True(call.IsEnded);
        Assert.Equal((false, 0), call.Held);
    }
}
