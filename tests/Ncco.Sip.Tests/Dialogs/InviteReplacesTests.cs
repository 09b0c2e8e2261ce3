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
}
