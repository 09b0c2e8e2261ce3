using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;
using Ncco.Sip.Tests.Support;

namespace Ncco.Sip.Tests.Dialogs;

/// <summary>The UAC side on virtual time, with the test playing the callee (and a forking proxy).</summary>
public sealed class UserAgentClientTests
{
    private const string Answer = "v=0\r\no=- 5 5 IN IP4 192.0.2.50\r\ns=-\r\nc=IN IP4 192.0.2.50\r\nt=0 0\r\nm=audio 31000 RTP/AVP 8\r\n";

    private static async Task<(UaHarness H, OutgoingCall Call, SipRequest Invite)> Dial()
    {
        var h = new UaHarness();
        var call = await h.Agent.CallAsync(SipUri.Parse("sip:bob@192.0.2.50:5070"), new LocalMedia("127.0.0.1", 20000));
        return (h, call, h.Transport.SentRequests("INVITE").Single());
    }

    private static SipResponse Ok(SipRequest invite, string tag) =>
        (SipResponse.For(invite, 200, toTag: tag).AddHeader(HeaderNames.Contact, "<sip:bob@192.0.2.50:5070>")
            .AddHeader(HeaderNames.ContentType, "application/sdp")) with { Body = System.Text.Encoding.ASCII.GetBytes(Answer) };

    [Fact]
    public async Task Answer_is_acked_again_for_each_2xx_copy_and_a_second_fork_is_acked_and_ended()
    {
        var (h, call, invite) = await Dial();
        h.Transport.Deliver(Ok(invite, "fork1"));
        h.Transport.Deliver(Ok(invite, "fork1"));
        Assert.Equal(SdpCodec.Pcma, call.Audio!.Codec);
        Assert.Equal(2, h.Transport.SentRequests("ACK").Count(a => a.To.Tag == "fork1"));

        h.Transport.Deliver(Ok(invite, "fork2"));
        Assert.Single(h.Transport.SentRequests("ACK"), a => a.To.Tag == "fork2");
        Assert.Single(h.Transport.SentRequests("BYE"), b => b.To.Tag == "fork2");
        Assert.False(call.IsEnded);

        // After timer M the transaction is gone; a late copy of the 2xx still gets its ACK from the dialog.
        h.At(40);
        h.Transport.Deliver(Ok(invite, "fork1"));
        Assert.Equal(3, h.Transport.SentRequests("ACK").Count(a => a.To.Tag == "fork1"));
    }

    [Fact]
    public async Task Ring_timeout_cancels_after_the_first_provisional()
    {
        var h = new UaHarness();
        var call = await h.Agent.CallAsync(SipUri.Parse("sip:bob@192.0.2.50:5070"), new LocalMedia("127.0.0.1", 20000),
            new OutgoingCallOptions { RingTimeout = TimeSpan.FromSeconds(20) });
        var invite = h.Transport.SentRequests("INVITE").Single();
        h.Transport.Deliver(SipResponse.For(invite, 180, toTag: "b1"));
        h.At(19.9);
        Assert.Empty(h.Transport.SentRequests("CANCEL"));
        h.At(0.2);
        var cancel = h.Transport.SentRequests("CANCEL").Single();
        Assert.Equal(invite.TopVia.Branch, cancel.TopVia.Branch);

        h.Transport.Deliver(SipResponse.For(cancel, 200, toTag: "b1"));
        h.Transport.Deliver(SipResponse.For(invite, 487, toTag: "b1"));
        Assert.True(call.Completion.IsCompleted);
        Assert.Equal(487, (await call.Completion).StatusCode);
        Assert.Equal(CallEndReason.LocalHangup, UaHarness.EndOf(call).Reason);
        Assert.Single(h.Transport.SentRequests("ACK"));
    }

    [Fact]
    public async Task Answer_that_crosses_our_cancel_is_acked_and_ended_with_bye()
    {
        var (h, call, invite) = await Dial();
        h.Transport.Deliver(SipResponse.For(invite, 180, toTag: "b1"));
        call.Cancel();
        h.Transport.Deliver(Ok(invite, "b1"));
        Assert.Single(h.Transport.SentRequests("ACK"));
        Assert.Single(h.Transport.SentRequests("BYE"));
        Assert.Equal(CallEndReason.LocalHangup, UaHarness.EndOf(call).Reason);
    }
}
