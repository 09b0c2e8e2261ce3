using System.Text;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Sdp;
using Ncco.Sip.Tests.Support;

namespace Ncco.Sip.Tests.Dialogs;

/// <summary>
/// Session timers on calls we place (RFC 4028 §7.2, §10), as Asterisk's chan_sip answers them with
/// <c>session-timers=originate</c> and <c>session-refresher=uac</c>: its 2xx names us the refresher, and a real Asterisk
/// hung the call up ("Session-Timer expired", BYE) 60 s into a 90 s interval while we never refreshed
/// (scripts/interop/asterisk.sh, scenario out-session-timer). The responses below are Asterisk 20's, header for header.
/// </summary>
public sealed class SessionRefreshClientTests
{
    // Asterisk answers with every codec it shares with the offer, and these exact session-timer headers.
    private const string AsteriskAnswer = "v=0\r\no=root 133359186 133359186 IN IP4 127.0.0.2\r\ns=Asterisk PBX 20.20.1\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n"
        + "m=audio 47952 RTP/AVP 0 8 9 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:9 G722/8000\r\n"
        + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=silenceSupp:off - - - -\r\na=ptime:20\r\na=maxptime:140\r\na=sendrecv\r\n";

    private static SipResponse AsteriskOk(SipRequest request, string sessionExpires) =>
        (SipResponse.For(request, 200, toTag: request.To.Tag ?? "as0a5c4fd4")
            .AddHeader("Server", "Asterisk PBX 20.20.1")
            .AddHeader(HeaderNames.Allow, "INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, SUBSCRIBE, NOTIFY, INFO, PUBLISH, MESSAGE")
            .AddHeader(HeaderNames.Supported, "replaces, timer")
            .AddHeader(HeaderNames.SessionExpires, sessionExpires)
            .AddHeader(HeaderNames.Contact, "<sip:5550190@127.0.0.2:25670>")
            .AddHeader(HeaderNames.ContentType, "application/sdp")
            .AddHeader(HeaderNames.Require, "timer")) with { Body = Encoding.ASCII.GetBytes(AsteriskAnswer) };

    private static async Task<(UaHarness H, OutgoingCall Call)> Answered(string sessionExpires)
    {
        var h = new UaHarness();
        var call = await h.Agent.CallAsync(SipUri.Parse("sip:5550190@127.0.0.2:25670"), new LocalMedia("127.0.0.1", 20000));
        h.Transport.Deliver(AsteriskOk(h.Transport.SentRequests("INVITE").Single(), sessionExpires));
        Assert.True((await call.Completion).IsSuccess);
        return (h, call);
    }

    private static List<SipRequest> Refreshes(UaHarness h) => [.. h.Transport.SentRequests("INVITE").Where(r => r.To.Tag is not null).DistinctBy(r => r.CSeq.Number)];

    [Fact]
    public async Task Named_the_refresher_we_reinvite_at_half_the_interval_and_keep_on_with_what_each_2xx_grants()
    {
        var (h, call) = await Answered("90;refresher=uac");
        h.At(44);
        Assert.Empty(Refreshes(h));
        h.At(1);
        var first = Refreshes(h).Single();
        Assert.Equal("90;refresher=uac", first.Header(HeaderNames.SessionExpires));
        Assert.True(SipUserAgent.Lists(first, HeaderNames.Supported, "timer"));
        Assert.Equal("as0a5c4fd4", first.To.Tag);
        Assert.Equal("sip:5550190@127.0.0.2:25670", first.Uri.ToString());
        // The same media as before (a refresh changes nothing but the SDP version).
        var offer = SdpParser.Parse(first.BodyText);
        Assert.Equal(20000, offer.Media[0].Port);
        Assert.Equal(MediaDirection.SendRecv, offer.DirectionOf(offer.Media[0]));

        // Asterisk's 2xx to the refresh: ACKed, and the next refresh comes half of the (new) interval later.
        h.Transport.Deliver(AsteriskOk(first, "120;refresher=uac"));
        Assert.Contains(h.Transport.SentRequests("ACK"), a => a.CSeq.Number == first.CSeq.Number);
        h.At(59);
        Assert.Single(Refreshes(h));
        h.At(1);
        Assert.Equal(2, Refreshes(h).Count);
        Assert.Equal("120;refresher=uac", Refreshes(h)[1].Header(HeaderNames.SessionExpires));
        Assert.False(call.IsEnded);
    }

    [Fact]
    public async Task When_the_callee_refreshes_or_names_no_refresher_we_send_no_refresh()
    {
        foreach (var header in new[] { "90;refresher=uas", "90", "x;refresher=uac" })
        {
            var (h, call) = await Answered(header);
            h.At(59);
            Assert.Empty(Refreshes(h));
            Assert.False(call.IsEnded);
        }
        // A 2xx naming nobody, or one we cannot read, promises no refresh: the call is not hung up for the lack of one.
        // (The callee named the refresher and then not refreshing: SessionRefreshFromCalleeTests.)
        foreach (var header in new[] { "90", "x;refresher=uac" })
        {
            var (h, call) = await Answered(header);
            h.At(200);
            Assert.Empty(Refreshes(h));
            Assert.False(call.IsEnded);
        }
    }

    [Fact]
    public async Task A_refresh_glare_is_retried_and_a_hung_up_call_stops_refreshing()
    {
        var (h, call) = await Answered("90;refresher=uac");
        h.At(45);
        var first = Refreshes(h).Single();
        h.Transport.Deliver(SipResponse.For(first, 491, toTag: null));
        h.At(2);
        Assert.Equal(2, Refreshes(h).Count);
        h.Transport.Deliver(AsteriskOk(Refreshes(h)[1], "90;refresher=uac"));
        _ = call.HangupAsync();
        h.At(100);
        Assert.Equal(2, Refreshes(h).Count);
    }
}
