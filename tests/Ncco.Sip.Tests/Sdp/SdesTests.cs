using Ncco.Sip.Parsing;
using Ncco.Sip.Sdp;

namespace Ncco.Sip.Tests.Sdp;

/// <summary>SDES (RFC 4568) in offer/answer: what we offer, what we accept, and what we refuse with a reason.</summary>
public sealed class SdesTests
{
    private const string TheirKey = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
    private const string OurKey = "d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj";

    private static string Offer(string protocol, params string[] crypto) =>
        "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" +
        $"m=audio 4000 {protocol} 0 101\r\na=rtpmap:101 telephone-event/8000\r\n" +
        string.Concat(crypto.Select(c => $"a=crypto:{c}\r\n"));

    private static LocalMedia Local(SrtpPolicy policy) => new("127.0.0.1", 20000) { Srtp = policy, SrtpKey = policy == SrtpPolicy.Off ? null : OurKey };

    [Fact]
    public void A_savp_offer_is_answered_savp_with_our_key_under_its_tag()
    {
        var offer = SdpParser.Parse(Offer("RTP/SAVP", "7 AES_CM_128_HMAC_SHA1_32 inline:" + TheirKey, "9 AES_CM_128_HMAC_SHA1_80 inline:" + TheirKey + "|2^31"));
        var (answer, audio) = SdpNegotiator.Answer(offer, Local(SrtpPolicy.Offer));

        Assert.True(audio.IsSecure);
        Assert.Equal(new SdesCrypto(9, TheirKey), audio.RemoteCrypto);
        Assert.Equal(new SdesCrypto(9, OurKey), audio.LocalCrypto);
        var media = SdpParser.Parse(answer.ToString()).Media[0];
        Assert.Equal("RTP/SAVP", media.Protocol);
        Assert.Equal([new SdesCrypto(9, OurKey)], SdesCrypto.Of(media));
    }

    [Fact]
    public void A_best_effort_avp_offer_with_a_key_gets_srtp_unless_srtp_is_off()
    {
        var offer = SdpParser.Parse(Offer("RTP/AVP", "1 AES_CM_128_HMAC_SHA1_80 inline:" + TheirKey));
        var (answer, secure) = SdpNegotiator.Answer(offer, Local(SrtpPolicy.Offer));
        Assert.True(secure.IsSecure);
        Assert.Equal("RTP/AVP", SdpParser.Parse(answer.ToString()).Media[0].Protocol);

        var (plainAnswer, plain) = SdpNegotiator.Answer(offer, Local(SrtpPolicy.Off));
        Assert.False(plain.IsSecure);
        Assert.Empty(SdesCrypto.Of(SdpParser.Parse(plainAnswer.ToString()).Media[0]));
    }

    [Theory]
    [InlineData("RTP/SAVP", SrtpPolicy.Off, "not enabled")]
    [InlineData("RTP/AVP", SrtpPolicy.Require, "SRTP is required")]
    public void What_cannot_be_agreed_is_refused_with_the_reason(string protocol, SrtpPolicy policy, string reason)
    {
        var offer = SdpParser.Parse(protocol == "RTP/SAVP" ? Offer(protocol, "1 AES_CM_128_HMAC_SHA1_80 inline:" + TheirKey) : Offer(protocol));
        var error = Assert.Throws<SdpNegotiationException>(() => SdpNegotiator.Answer(offer, Local(policy)));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:" + TheirKey + "|2^20|1:4")]    // MKI
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:" + TheirKey + ";inline:" + TheirKey)] // two keys
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ=")]                      // not 30 bytes
    [InlineData("1 AES_CM_128_HMAC_SHA1_80 inline:" + TheirKey + " UNENCRYPTED_SRTP")] // session parameter
    [InlineData("x AES_CM_128_HMAC_SHA1_80 inline:" + TheirKey)]                   // bad tag
    [InlineData("1 F8_128_HMAC_SHA1_80 inline:" + TheirKey)]                       // another suite
    public void Crypto_lines_we_cannot_honour_are_not_used(string line)
    {
        var offer = SdpParser.Parse(Offer("RTP/SAVP", line));
        Assert.Empty(SdesCrypto.Of(offer.Media[0]));
        var error = Assert.Throws<SdpNegotiationException>(() => SdpNegotiator.Answer(offer, Local(SrtpPolicy.Require)));
        Assert.Contains("a=crypto", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Our_offer_carries_our_key_in_savp_when_required_and_avp_when_offered_and_reads_the_answers_key()
    {
        var required = SdpNegotiator.CreateOffer(Local(SrtpPolicy.Require));
        Assert.Equal("RTP/SAVP", required.Media[0].Protocol);
        Assert.Equal([new SdesCrypto(1, OurKey)], SdesCrypto.Of(required.Media[0]));
        var offered = SdpNegotiator.CreateOffer(Local(SrtpPolicy.Offer));
        Assert.Equal("RTP/AVP", offered.Media[0].Protocol);
        Assert.Single(SdesCrypto.Of(offered.Media[0]));
        Assert.Empty(SdesCrypto.Of(SdpNegotiator.CreateOffer(Local(SrtpPolicy.Off)).Media[0]));

        var answer = SdpParser.Parse(Offer("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_80 inline:" + TheirKey));
        var audio = SdpNegotiator.ReadAnswer(required, answer, Local(SrtpPolicy.Require));
        Assert.Equal((new SdesCrypto(1, OurKey), new SdesCrypto(1, TheirKey)), (audio.LocalCrypto, audio.RemoteCrypto));
        var plainAnswer = SdpParser.Parse(Offer("RTP/AVP"));
        Assert.Throws<SdpNegotiationException>(() => SdpNegotiator.ReadAnswer(required, plainAnswer, Local(SrtpPolicy.Require)));
        Assert.False(SdpNegotiator.ReadAnswer(offered, plainAnswer, Local(SrtpPolicy.Offer)).IsSecure);
    }
}
