using Ncco.Sip.Parsing;
using Ncco.Sip.Sdp;

namespace Ncco.Sip.Tests.Sdp;

public sealed class SdpTests
{
    private const string PhoneOffer =
        "v=0\no=- 3 3 IN IP4 192.0.2.10\ns=call\nc=IN IP4 192.0.2.10\nt=0 0\n" +
        "m=audio 40000 RTP/AVP 18 8 0 96\na=rtpmap:18 G729/8000\na=rtpmap:96 telephone-event/8000\na=fmtp:96 0-15\na=ptime:30\na=sendrecv\n" +
        "m=video 40002 RTP/AVP 31\n";

    private static readonly LocalMedia Local = new("127.0.0.1", 20000) { Codecs = [SdpCodec.Pcmu, SdpCodec.Pcma] };

    [Fact]
    public void Answer_takes_the_offerers_first_supported_codec_and_mirrors_its_event_type()
    {
        var (answer, audio) = SdpNegotiator.Answer(SdpParser.Parse(PhoneOffer), Local);

        Assert.Equal(SdpCodec.Pcma, audio.Codec);
        Assert.Equal(96, audio.TelephoneEventPayloadType);
        Assert.Equal(30, audio.PtimeMs);
        Assert.Equal(("192.0.2.10", 40000), (audio.RemoteAddress, audio.RemotePort));
        Assert.Equal(MediaDirection.SendRecv, audio.Direction);

        var reparsed = SdpParser.Parse(answer.ToString());
        Assert.Equal(2, reparsed.Media.Count);
        Assert.Equal(["8", "96"], reparsed.Media[0].Formats);
        Assert.Equal("0-16", reparsed.Media[0].Fmtp(96));
        Assert.Equal(0, reparsed.Media[1].Port);
        Assert.Equal("127.0.0.1", reparsed.Connection!.Address);
    }

    [Fact]
    public void No_common_codec_is_a_488()
    {
        var offer = SdpParser.Parse("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18\r\n");
        var error = Assert.Throws<SdpNegotiationException>(() => SdpNegotiator.Answer(offer, Local));
        Assert.Equal(488, error.StatusCode);
        Assert.Contains("codec", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sendonly", MediaDirection.RecvOnly)]
    [InlineData("recvonly", MediaDirection.SendOnly)]
    [InlineData("inactive", MediaDirection.Inactive)]
    [InlineData("sendrecv", MediaDirection.SendRecv)]
    public void Answer_direction_follows_what_the_offer_allows(string offered, MediaDirection expected)
    {
        var offer = SdpParser.Parse($"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na={offered}\r\n");
        var (answer, audio) = SdpNegotiator.Answer(offer, Local);
        Assert.Equal(expected, audio.Direction);
        Assert.Equal(expected, SdpParser.Parse(answer.ToString()).Media[0].Direction);
    }

    [Fact]
    public void Old_style_hold_address_means_the_offerer_only_sends()
    {
        var offer = SdpParser.Parse("v=0\r\no=- 1 2 IN IP4 h\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n");
        Assert.True(SdpNegotiator.Answer(offer, Local).Audio.IsOnHold);
    }

    [Fact]
    public void Offer_lists_our_codecs_events_and_direction_and_reads_the_answer()
    {
        var local = new LocalMedia("127.0.0.1", 30000) { Direction = MediaDirection.SendOnly, SessionVersion = 2 };
        var offer = SdpNegotiator.CreateOffer(local);
        var text = offer.ToString();
        Assert.Contains("m=audio 30000 RTP/AVP 9 0 8 101\r\n", text, StringComparison.Ordinal);
        Assert.Contains("a=fmtp:101 0-16\r\n", text, StringComparison.Ordinal);
        Assert.Contains("a=sendonly\r\n", text, StringComparison.Ordinal);
        Assert.Contains("o=ncco 1 2 IN IP4 127.0.0.1\r\n", text, StringComparison.Ordinal);

        var answer = SdpParser.Parse("v=0\r\no=- 9 9 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=recvonly\r\n");
        var audio = SdpNegotiator.ReadAnswer(offer, answer, local);
        Assert.Equal(SdpCodec.Pcmu, audio.Codec);
        Assert.Equal(101, audio.TelephoneEventPayloadType);
        Assert.Equal(MediaDirection.SendOnly, audio.Direction);
        Assert.Equal(5000, audio.RemotePort);
    }

    [Theory]
    [InlineData("o=- 1 1 IN IP4 h\r\n", "v=")]
    [InlineData("v=0\r\ns=-\r\nt=0 0\r\n", "o=")]
    [InlineData("v=0\r\no=- x 1 IN IP4 h\r\n", "o=")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 h\r\nc=IN IP9 x\r\n", "c=")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 h\r\nm=audio 4000 RTP/AVP 0\r\n", "c=")]
    [InlineData("v=0\r\no=- 1 1 IN IP4 h\r\nc=IN IP4 h\r\nm=audio 99999 RTP/AVP 0\r\n", "m=")]
    public void Malformed_sdp_names_the_line(string text, string line)
    {
        var error = Assert.Throws<SipParseException>(() => SdpParser.Parse(text));
        Assert.Equal("SDP", error.Header);
        Assert.Contains(line, error.Message, StringComparison.Ordinal);
    }
}
