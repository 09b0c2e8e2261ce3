using Ncco.Sip.Parsing;
using Ncco.Sip.Sdp;

namespace Ncco.Sip.Tests.Sdp;

/// <summary>Opus in offer/answer (RFC 7587 §7): a dynamic payload type, <c>opus/48000/2</c>, fmtp both ways.</summary>
public sealed class SdpOpusTests
{
    // As baresip 1.0 with its opus module offers (dynamic type 96, its own fmtp), with G.711 after it.
    private const string BaresipOffer =
        "v=0\r\no=- 7 7 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n" +
        "m=audio 10000 RTP/AVP 96 0 8 101\r\na=rtpmap:96 opus/48000/2\r\na=fmtp:96 stereo=1;sprop-stereo=1\r\n" +
        "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n";

    private static LocalMedia Local(params SdpCodec[] codecs) => new("127.0.0.1", 20000) { Codecs = codecs };

    [Fact]
    public void Answer_takes_opus_on_the_offerers_dynamic_type_with_our_fmtp_and_keeps_the_peers_for_the_encoder()
    {
        var (answer, audio) = SdpNegotiator.Answer(SdpParser.Parse(BaresipOffer), Local(SdpCodec.Pcmu, SdpCodec.Pcma, SdpCodec.G722, SdpCodec.Opus));

        // The offerer's order wins (RFC 3264 §6.1): Opus first even though we list it last.
        Assert.Equal("opus", audio.Codec.Name);
        Assert.Equal(96, audio.Codec.PayloadType);
        Assert.Equal(48000, audio.Codec.ClockRate);
        Assert.Equal("stereo=1;sprop-stereo=1", audio.Codec.Fmtp); // what the peer wants to receive
        Assert.Equal(101, audio.TelephoneEventPayloadType);
        Assert.Equal(8000, audio.TelephoneEventClockRate);

        var media = SdpParser.Parse(answer.ToString()).Media[0];
        Assert.Equal(["96", "101"], media.Formats);
        Assert.Contains(media.Attributes, a => a.Name == "rtpmap" && a.Value == "96 opus/48000/2");
        Assert.Equal("maxplaybackrate=16000; sprop-maxcapturerate=16000; stereo=0; sprop-stereo=0; useinbandfec=1", media.Fmtp(96));
        Assert.Equal("0-16", media.Fmtp(101));
        Assert.Equal(20, media.Ptime);
        Assert.DoesNotContain(media.Attributes, a => a.Value?.StartsWith("111", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void Without_opus_configured_the_same_offer_gets_pcmu()
    {
        var (_, audio) = SdpNegotiator.Answer(SdpParser.Parse(BaresipOffer), Local(SdpCodec.Pcmu, SdpCodec.Pcma, SdpCodec.G722));
        Assert.Equal(SdpCodec.Pcmu, audio.Codec);
    }

    [Fact]
    public void An_offer_names_our_codecs_in_our_order_with_opus_on_111_and_events_on_both_clocks()
    {
        var offer = SdpNegotiator.CreateOffer(Local(SdpCodec.Opus, SdpCodec.G722, SdpCodec.Pcmu));
        var media = SdpParser.Parse(offer.ToString()).Media[0];
        Assert.Equal(["111", "9", "0", "101", "110"], media.Formats);
        Assert.Contains(media.Attributes, a => a.Name == "rtpmap" && a.Value == "111 opus/48000/2");
        Assert.Contains(media.Attributes, a => a.Name == "rtpmap" && a.Value == "110 telephone-event/48000");
        Assert.Contains("useinbandfec=1", media.Fmtp(111), StringComparison.Ordinal);
        Assert.Equal("0-16", media.Fmtp(110));
        Assert.Null(media.Fmtp(9));

        // Without a 48 kHz codec there is no 48 kHz event format.
        var narrow = SdpParser.Parse(SdpNegotiator.CreateOffer(Local(SdpCodec.Pcmu)).ToString()).Media[0];
        Assert.Equal(["0", "101"], narrow.Formats);
    }

    [Fact]
    public void Reading_the_answer_takes_its_opus_type_its_fmtp_and_the_event_format_on_the_48_kHz_clock()
    {
        var local = Local(SdpCodec.Opus, SdpCodec.Pcmu);
        var offer = SdpNegotiator.CreateOffer(local);
        var answer = SdpParser.Parse(
            "v=0\r\no=- 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\n" +
            "m=audio 5004 RTP/AVP 111 110\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 useinbandfec=1; maxplaybackrate=8000\r\n" +
            "a=rtpmap:110 telephone-event/48000\r\na=ptime:20\r\n");
        var audio = SdpNegotiator.ReadAnswer(offer, answer, local);
        Assert.Equal(("opus", 111), (audio.Codec.Name, audio.Codec.PayloadType));
        Assert.Equal("useinbandfec=1; maxplaybackrate=8000", audio.Codec.Fmtp);
        Assert.Equal((110, 48000), (audio.TelephoneEventPayloadType, audio.TelephoneEventClockRate));
    }

    [Fact]
    public void Events_on_the_chosen_codecs_clock_are_preferred_over_the_8_kHz_ones()
    {
        var offer = SdpParser.Parse(
            "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" +
            "m=audio 4000 RTP/AVP 109 0 126 101\r\na=rtpmap:109 OPUS/48000/2\r\na=rtpmap:126 telephone-event/8000\r\na=rtpmap:101 telephone-event/48000\r\n");
        var (answer, audio) = SdpNegotiator.Answer(offer, Local(SdpCodec.Opus, SdpCodec.Pcmu));
        Assert.Equal(109, audio.Codec.PayloadType);
        Assert.Equal((101, 48000), (audio.TelephoneEventPayloadType, audio.TelephoneEventClockRate));
        var media = SdpParser.Parse(answer.ToString()).Media[0];
        Assert.Equal(["109", "101"], media.Formats);
        Assert.Contains(media.Attributes, a => a.Name == "rtpmap" && a.Value == "101 telephone-event/48000");
    }

    [Theory]
    [InlineData("a=rtpmap:96 opus/48000")]          // the /2 RFC 7587 requires, missing: still Opus
    [InlineData("a=rtpmap:96 opus/48000/2/junk")]
    public void A_sloppy_opus_rtpmap_is_still_opus(string rtpmap)
    {
        var offer = SdpParser.Parse($"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 96\r\n{rtpmap}\r\n");
        var (_, audio) = SdpNegotiator.Answer(offer, Local(SdpCodec.Opus));
        Assert.Equal(("opus", 96), (audio.Codec.Name, audio.Codec.PayloadType));
    }

    [Theory]
    [InlineData("a=rtpmap:96 opus/16000/2")] // Opus is 48000 in SDP whatever it carries: another clock is another format
    [InlineData("a=rtpmap:96 opus")]
    public void Opus_with_a_wrong_clock_is_no_common_codec(string rtpmap)
    {
        var offer = SdpParser.Parse($"v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 96\r\n{rtpmap}\r\n");
        var error = Assert.Throws<SdpNegotiationException>(() => SdpNegotiator.Answer(offer, Local(SdpCodec.Opus, SdpCodec.Pcmu)));
        Assert.Equal(488, error.StatusCode);
        Assert.Contains("opus", error.Message, StringComparison.Ordinal);
    }
}
