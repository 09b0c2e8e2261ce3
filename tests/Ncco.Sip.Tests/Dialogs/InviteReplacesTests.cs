using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;
using Ncco.Sip.Tests.Support;

namespace Ncco.Sip.Tests.Dialogs;

/// <summary>Issue 17: an INVITE with Replaces (RFC 3891 §3) — matched against this UA's confirmed calls, refused with the reason otherwise.</summary>
public class InviteReplacesTests
{
    private static readonly LocalMedia Local = new("127.0.0.1", 20000);

    /// <summary>A confirmed call: call-1, the peer's tag from1.</summary>
    private static (UaHarness H, IncomingCall First) Answered()
    {
        var h = new UaHarness();
        var first = h.Receive(UaHarness.Invite());
        first.Answer(Local);
        h.Transport.Deliver(h.InDialog(first, "ACK", 1, "z9hG4bKack"));
        h.Transport.Clear();
        return (h, first);
    }

    private static SipRequest Replacing(params SipHeader[] extra) => Replacing("call-2", extra);

    private static SipRequest Replacing(string callId, params SipHeader[] extra) =>
        (SipRequest)UaHarness.Invite("z9hG4bK" + callId, extra).WithHeader(HeaderNames.CallId, callId).WithHeader(HeaderNames.From, "<sip:carol@example.com>;tag=from2");

    private static SipResponse FinalToInvite(UaHarness h) =>
        h.Transport.Sent.OfType<SipResponse>().Last(r => r.CSeq.Method == "INVITE" && !r.IsProvisional);

    [Fact]
    public void An_invite_naming_a_confirmed_call_is_handed_over_with_that_call()
    {
        var (h, first) = Answered();
        var second = h.Receive(Replacing(new SipHeader(HeaderNames.Replaces, $"call-1;to-tag={first.LocalTag};from-tag=from1"),
            new SipHeader(HeaderNames.Require, "replaces")));
        Assert.Same(first, second.ReplacedCall);
        // Answering the replacing call is the application's move; the stack ends nothing by itself.
        Assert.False(first.IsEnded);
        second.Answer(Local);
        Assert.Equal(200, FinalToInvite(h).StatusCode);
        Assert.Contains("replaces", FinalToInvite(h).Header(HeaderNames.Supported), StringComparison.Ordinal);

        // Tags written the other way round (as some phones do) still name the one dialog.
        var third = h.Receive(Replacing("call-3", new SipHeader(HeaderNames.Replaces, $"call-1;to-tag=from1;from-tag={first.LocalTag}")));
        Assert.Same(first, third.ReplacedCall);

        var plain = h.Receive(Replacing("call-4"));
        Assert.Null(plain.ReplacedCall);
    }

    [Theory]
    [InlineData("call-9;to-tag=x;from-tag=from1", 481, "Replaces Names No Call Here")]
    [InlineData("call-1;to-tag=wrong;from-tag=from1", 481, "Replaces Names No Call Here")]
    [InlineData("call-1;to-tag=@LOCAL@;from-tag=from1;early-only", 486, "Replaced Call Is Already Confirmed")]
    [InlineData("call-1;from-tag=from1", 400, "Malformed Replaces: no to-tag")]
    public void An_invite_whose_replaces_we_cannot_honour_is_refused_with_the_reason(string replaces, int status, string reason)
    {
        var (h, first) = Answered();
        h.Transport.Deliver(Replacing(new SipHeader(HeaderNames.Replaces, replaces.Replace("@LOCAL@", first.LocalTag, StringComparison.Ordinal))));
        var refused = FinalToInvite(h);
        Assert.Equal(status, refused.StatusCode);
        Assert.Equal(reason, refused.ReasonPhrase);
        Assert.False(h.Agent.TryAccept(out _));
        Assert.False(first.IsEnded);
    }

    [Fact]
    public void Two_replaces_headers_or_an_ended_call_are_refused()
    {
        var (h, first) = Answered();
        var value = $"call-1;to-tag={first.LocalTag};from-tag=from1";
        h.Transport.Deliver(Replacing(new SipHeader(HeaderNames.Replaces, value), new SipHeader(HeaderNames.Replaces, value)));
        Assert.Equal("More Than One Replaces", FinalToInvite(h).ReasonPhrase);

        h.Transport.Deliver(h.InDialog(first, "BYE", 2, "z9hG4bKbye"));
        Assert.True(first.IsEnded);
        h.Transport.Deliver(Replacing("call-5", new SipHeader(HeaderNames.Replaces, value)));
        Assert.Equal(481, FinalToInvite(h).StatusCode);
        Assert.False(h.Agent.TryAccept(out _));
    }

    [Fact]
    public void An_early_call_is_never_replaced()
    {
        var h = new UaHarness();
        var ringing = h.Receive(UaHarness.Invite());
        ringing.Ring();
        h.Transport.Deliver(Replacing(new SipHeader(HeaderNames.Replaces, $"call-1;to-tag={ringing.LocalTag};from-tag=from1")));
        Assert.Equal(481, h.Transport.Sent.OfType<SipResponse>().Last(r => r.CSeq.Method == "INVITE" && r.CallId == "call-2" && !r.IsProvisional).StatusCode);
    }
    /// <summary>A call we placed to bob, ringing: its 180 formed the early dialog (our From tag, bob's To tag b1).</summary>
    private static async Task<(UaHarness H, OutgoingCall Call, SipRequest Invite)> Ringing()
    {
        var h = new UaHarness();
        var call = await h.Agent.CallAsync(SipUri.Parse("sip:bob@192.0.2.50:5070"), Local);
        var invite = h.Transport.SentRequests("INVITE").Single();
        h.Transport.Deliver((SipResponse)SipResponse.For(invite, 180, toTag: "b1").AddHeader(HeaderNames.Contact, "<sip:bob@192.0.2.50:5070>"));
        Assert.True(call.Ringing.IsCompleted);
        return (h, call, invite);
    }

    [Fact]
    public async Task An_invite_naming_the_early_dialog_of_a_call_we_placed_is_handed_over_with_that_call()
    {
        var (h, call, invite) = await Ringing();
        // RFC 3891 §3 call pick-up: the early dialog this UA initiated, named by its Call-ID, the callee's tag and ours.
        var pickup = h.Receive(Replacing("call-p", new SipHeader(HeaderNames.Replaces, $"{invite.CallId};to-tag=b1;from-tag={invite.From.Tag}")));
        Assert.Same(call, pickup.ReplacedCall);
        // Tags the other way round, and early-only (which an early dialog satisfies), name it too.
        var swapped = h.Receive(Replacing("call-q", new SipHeader(HeaderNames.Replaces, $"{invite.CallId};to-tag={invite.From.Tag};from-tag=b1;early-only")));
        Assert.Same(call, swapped.ReplacedCall);
        // The stack cancels nothing by itself: that is the application's move once it answered the new caller.
        Assert.Empty(h.Transport.SentRequests("CANCEL"));
        Assert.False(call.Completion.IsCompleted);
    }

    [Fact]
    public async Task An_early_dialog_no_longer_ringing_or_never_formed_is_not_replaced()
    {
        var (h, call, invite) = await Ringing();
        var other = $"{invite.CallId};to-tag=b2;from-tag={invite.From.Tag}";
        h.Transport.Deliver(Replacing("call-p", new SipHeader(HeaderNames.Replaces, other)));
        Assert.Equal((481, "Replaces Names No Call Here"), (FinalToInvite(h).StatusCode, FinalToInvite(h).ReasonPhrase));

        // Being cancelled: the ringing dialog is on its way out and cannot be taken over any more.
        call.Cancel();
        h.Transport.Deliver(Replacing("call-q", new SipHeader(HeaderNames.Replaces, $"{invite.CallId};to-tag=b1;from-tag={invite.From.Tag}")));
        Assert.Equal(481, FinalToInvite(h).StatusCode);
        Assert.False(h.Agent.TryAccept(out _));
    }

    [Fact]
    public void An_invite_naming_the_early_dialog_of_a_call_made_to_us_is_refused_481_as_rfc_3891_asks()
    {
        var h = new UaHarness();
        var ringing = h.Receive(UaHarness.Invite());
        ringing.Ring();
        h.Transport.Clear();
        h.Transport.Deliver(Replacing(new SipHeader(HeaderNames.Replaces, $"call-1;to-tag={ringing.LocalTag};from-tag=from1")));
        var refused = FinalToInvite(h);
        Assert.Equal(481, refused.StatusCode);
        Assert.Equal("Replaced Early Dialog Was Not Initiated Here", refused.ReasonPhrase);
        Assert.False(h.Agent.TryAccept(out _));
        Assert.False(ringing.IsEnded);
    }
}
