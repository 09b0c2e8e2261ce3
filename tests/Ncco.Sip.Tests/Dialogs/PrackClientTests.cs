using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;
using Ncco.Sip.Tests.Support;

namespace Ncco.Sip.Tests.Dialogs;

/// <summary>Issue 17: reliable provisional responses (RFC 3262) on calls we place — PRACK with RAck, in order, once.</summary>
public sealed class PrackClientTests
{
    private const string Answer = "v=0\r\no=- 5 5 IN IP4 192.0.2.50\r\ns=-\r\nc=IN IP4 192.0.2.50\r\nt=0 0\r\nm=audio 31000 RTP/AVP 8\r\n";

    private static async Task<(UaHarness H, OutgoingCall Call, SipRequest Invite)> Dial(OutgoingCallOptions? options = null)
    {
        var h = new UaHarness();
        var call = await h.Agent.CallAsync(SipUri.Parse("sip:bob@192.0.2.50:5070"), new LocalMedia("127.0.0.1", 20000), options);
        return (h, call, h.Transport.SentRequests("INVITE").Single());
    }

    private static SipResponse Reliable(SipRequest invite, int status, long rseq, string tag = "b1", string? sdp = null)
    {
        var response = SipResponse.For(invite, status, toTag: tag)
            .AddHeader(HeaderNames.Contact, "<sip:bob@192.0.2.50:5070>")
            .AddHeader(HeaderNames.Require, "100rel")
            .AddHeader(HeaderNames.RSeq, rseq.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return sdp is null ? (SipResponse)response : (SipResponse)response.AddHeader(HeaderNames.ContentType, "application/sdp") with { Body = System.Text.Encoding.ASCII.GetBytes(sdp) };
    }

    private static List<SipRequest> Pracks(UaHarness h) => [.. h.Transport.SentRequests("PRACK").DistinctBy(p => p.CSeq.Number)];

    [Fact]
    public async Task Our_invite_offers_100rel_unless_told_not_to()
    {
        var (_, _, invite) = await Dial();
        Assert.True(SipUserAgent.Lists(invite, HeaderNames.Supported, "100rel"));
        Assert.True(SipUserAgent.Lists(invite, HeaderNames.Supported, "timer"));
        var (_, _, plain) = await Dial(new OutgoingCallOptions { OfferReliableProvisional = false });
        Assert.False(SipUserAgent.Lists(plain, HeaderNames.Supported, "100rel"));
    }

    [Fact]
    public async Task A_reliable_180_is_pracked_with_its_rack_in_the_early_dialog_and_the_call_goes_on()
    {
        var (h, call, invite) = await Dial();
        h.Transport.Deliver(Reliable(invite, 180, 7714));
        var prack = Pracks(h).Single();
        Assert.Equal("7714 1 INVITE", prack.Header(HeaderNames.RAck));
        Assert.Equal(2, prack.CSeq.Number);
        Assert.Equal("b1", prack.To.Tag);
        Assert.Equal(invite.From.Tag, prack.From.Tag);
        Assert.Equal(invite.CallId, prack.CallId);
        Assert.Equal("sip:bob@192.0.2.50:5070", prack.Uri.ToString());
        Assert.True(call.Ringing.IsCompleted);

        h.Transport.Deliver(SipResponse.For(prack, 200, toTag: null));
        // Retransmissions of the same 180 (the callee has not seen our PRACK's 200 yet) are not PRACKed again.
        h.Transport.Deliver(Reliable(invite, 180, 7714));
        Assert.Single(Pracks(h));

        h.Transport.Deliver((SipResponse.For(invite, 200, toTag: "b1").AddHeader(HeaderNames.Contact, "<sip:bob@192.0.2.50:5070>")
            .AddHeader(HeaderNames.ContentType, "application/sdp")) with { Body = System.Text.Encoding.ASCII.GetBytes(Answer) });
        Assert.True((await call.Completion).IsSuccess);
        _ = call.HangupAsync(); // its BYE is answered by nobody here: only what it sends matters
        // The dialog's CSeq goes on after the PRACK's.
        Assert.Equal(3, h.Transport.SentRequests("BYE").Single().CSeq.Number);
    }

    [Fact]
    public async Task Later_reliable_responses_are_pracked_only_in_rseq_order()
    {
        var (h, _, invite) = await Dial();
        h.Transport.Deliver(Reliable(invite, 183, 1));
        h.Transport.Deliver(Reliable(invite, 180, 3)); // overtook RSeq 2: not acknowledged, the callee will repeat it
        h.Transport.Deliver(Reliable(invite, 180, 2));
        var racks = Pracks(h).Select(p => p.Header(HeaderNames.RAck)).ToList();
        Assert.Equal(["1 1 INVITE", "2 1 INVITE"], racks);
        Assert.Equal([2L, 3L], Pracks(h).Select(p => p.CSeq.Number));
    }

    [Fact]
    public async Task An_unreliable_or_malformed_provisional_is_not_pracked()
    {
        var (h, _, invite) = await Dial();
        h.Transport.Deliver(SipResponse.For(invite, 180, toTag: "b1"));
        h.Transport.Deliver(SipResponse.For(invite, 183, toTag: "b1").AddHeader(HeaderNames.Require, "100rel")); // no RSeq
        h.Transport.Deliver(SipResponse.For(invite, 183, toTag: "b1").AddHeader(HeaderNames.Require, "100rel").AddHeader(HeaderNames.RSeq, "x9"));
        h.Transport.Deliver(SipResponse.For(invite, 183, toTag: "b1").AddHeader(HeaderNames.Require, "100rel").AddHeader(HeaderNames.RSeq, "99999999999"));
        Assert.Empty(h.Transport.SentRequests("PRACK"));
    }

    [Fact]
    public async Task The_sdp_answer_of_a_reliable_183_serves_when_the_2xx_has_none()
    {
        var (h, call, invite) = await Dial();
        h.Transport.Deliver(Reliable(invite, 183, 10, sdp: Answer));
        Assert.Single(Pracks(h));
        h.Transport.Deliver(SipResponse.For(invite, 200, toTag: "b1").AddHeader(HeaderNames.Contact, "<sip:bob@192.0.2.50:5070>"));
        Assert.True((await call.Completion).IsSuccess);
        Assert.Equal(SdpCodec.Pcma, call.Audio!.Codec);
        Assert.False(call.IsEnded);
    }

    [Fact]
    public async Task A_refused_prack_leaves_the_invite_going()
    {
        var (h, call, invite) = await Dial();
        h.Transport.Deliver(Reliable(invite, 180, 5));
        h.Transport.Deliver(SipResponse.For(Pracks(h).Single(), 481, toTag: null));
        Assert.False(call.Completion.IsCompleted);
        Assert.False(call.IsEnded);
    }
}
