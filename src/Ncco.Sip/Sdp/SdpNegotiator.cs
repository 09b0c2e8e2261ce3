using System.Globalization;

namespace Ncco.Sip.Sdp;

/// <summary>
/// RFC 3264 offer/answer for one audio stream with PCMU, PCMA, G.722, Opus (RFC 7587) and telephone-event, with
/// SDES-keyed SRTP (RFC 4568, <see cref="SrtpPolicy"/>) when <see cref="LocalMedia.Srtp"/> asks.
/// As answerer it keeps every m= line (rejecting the ones it does not use with port 0, as §6 requires), picks the first
/// offered codec it supports (the offerer's preference wins, §6.1), answers a dynamic codec (Opus) and telephone-event
/// on the payload types the offerer chose — the event format on the chosen codec's clock when offered — with our own
/// fmtp (what we want to receive), and answers the direction the offer allows. The peer's fmtp travels in
/// <see cref="NegotiatedAudio.Codec"/> for the encoder to follow.
/// </summary>
public static class SdpNegotiator
{
    /// <summary>Builds an offer.</summary>
    public static SessionDescription CreateOffer(LocalMedia local)
    {
        var formats = local.Codecs.Select(c => c.PayloadType.ToString(CultureInfo.InvariantCulture)).ToList();
        var attributes = new List<SdpAttribute>();
        foreach (var codec in local.Codecs)
        {
            AddFormat(attributes, codec);
        }
        if (local.TelephoneEvents)
        {
            foreach (var te in EventFormats(local))
            {
                formats.Add(te.PayloadType.ToString(CultureInfo.InvariantCulture));
                AddFormat(attributes, te with { Fmtp = "0-16" });
            }
        }
        attributes.Add(new SdpAttribute("ptime", local.PtimeMs.ToString(CultureInfo.InvariantCulture)));
        attributes.Add(new SdpAttribute(local.Direction.ToAttribute()));
        if (OurCrypto(local, 1) is { } crypto) attributes.Add(new SdpAttribute("crypto", crypto.ToAttributeValue()));
        var protocol = local.Srtp == SrtpPolicy.Require ? SecureProfile : PlainProfile;
        return Describe(local, [new MediaDescription { Media = "audio", Port = local.Port, Protocol = protocol, Formats = formats, Attributes = attributes }]);
    }

    /// <summary>
    /// The telephone-event formats we offer: 101 on the 8 kHz clock, and beside a 48 kHz codec (Opus) also 110 on
    /// 48 kHz, as WebRTC does, so the peer can keep events on its audio clock (RFC 4733 §2.1).
    /// </summary>
    private static IEnumerable<SdpCodec> EventFormats(LocalMedia local)
    {
        yield return SdpCodec.TelephoneEvent;
        if (local.Codecs.Any(c => c.ClockRate == SdpCodec.TelephoneEventWideband.ClockRate)
            && local.Codecs.All(c => c.PayloadType != SdpCodec.TelephoneEventWideband.PayloadType))
        {
            yield return SdpCodec.TelephoneEventWideband;
        }
    }

    /// <summary>The telephone-event format to use beside <paramref name="codec"/>: one on its clock, else the first.</summary>
    private static SdpCodec? EventFormatFor(IReadOnlyList<SdpCodec> offered, SdpCodec codec)
    {
        var events = offered.Where(c => string.Equals(c.Name, SdpCodec.TelephoneEvent.Name, StringComparison.OrdinalIgnoreCase)).ToList();
        return events.FirstOrDefault(e => e.ClockRate == codec.ClockRate) ?? events.FirstOrDefault();
    }

    private static void AddFormat(List<SdpAttribute> attributes, SdpCodec codec)
    {
        attributes.Add(new SdpAttribute("rtpmap", codec.RtpMap));
        if (codec.Fmtp is { } fmtp) attributes.Add(new SdpAttribute("fmtp", $"{codec.PayloadType.ToString(CultureInfo.InvariantCulture)} {fmtp}"));
    }

    private const string PlainProfile = "RTP/AVP";
    private const string SecureProfile = "RTP/SAVP";

    private static SdesCrypto? OurCrypto(LocalMedia local, int tag)
    {
        if (local.Srtp == SrtpPolicy.Off) return null;
        if (local.SrtpKey is not { Length: 40 } key) throw new ArgumentException("LocalMedia.SrtpKey (30 bytes in base64) is required with SRTP", nameof(local));
        return new SdesCrypto(tag, key);
    }

    /// <summary>Answers an offer; throws <see cref="SdpNegotiationException"/> when nothing can be agreed.</summary>
    public static (SessionDescription Answer, NegotiatedAudio Audio) Answer(SessionDescription offer, LocalMedia local)
    {
        NegotiatedAudio? chosen = null;
        string? srtpProblem = null;
        var answered = new List<MediaDescription>();
        foreach (var media in offer.Media)
        {
            if (chosen is null && media.Media == "audio" && media.Port != 0 && media.Protocol is PlainProfile or SecureProfile)
            {
                var offered = media.Codecs;
                var codec = offered.FirstOrDefault(o => local.Codecs.Any(l => l.SameFormat(o)));
                // SDES: RTP/SAVP needs a crypto line we can use; RTP/AVP with one is SRTP when we speak it ("best effort").
                var theirKey = local.Srtp == SrtpPolicy.Off ? null : SdesCrypto.Of(media).FirstOrDefault();
                if (media.Protocol == SecureProfile && theirKey is null)
                {
                    srtpProblem = local.Srtp == SrtpPolicy.Off ? "SRTP (RTP/SAVP) is not enabled for this peer"
                        : $"no usable a=crypto line (we speak {SdesCrypto.Suite} with one inline key and no MKI)";
                    codec = null;
                }
                else if (local.Srtp == SrtpPolicy.Require && theirKey is null)
                {
                    srtpProblem = "SRTP is required and the offer has no usable a=crypto line";
                    codec = null;
                }
                if (codec is not null)
                {
                    var te = local.TelephoneEvents ? EventFormatFor(offered, codec) : null;
                    var direction = offer.DirectionOf(media);
                    // RFC 2543 hold (c=0.0.0.0) means the offerer does not want to receive.
                    if (offer.ConnectionOf(media)?.IsHoldAddress == true && direction == MediaDirection.SendRecv)
                    {
                        direction = MediaDirection.SendOnly;
                    }
                    var ours = direction.AnswerTo(local.Direction);
                    var connection = offer.ConnectionOf(media)!;
                    var ourKey = theirKey is null ? null : OurCrypto(local, theirKey.Tag);
                    chosen = new NegotiatedAudio(codec, te?.PayloadType, media.Ptime ?? local.PtimeMs, connection.Address, media.Port, ours)
                    {
                        LocalCrypto = ourKey,
                        RemoteCrypto = theirKey,
                        TelephoneEventClockRate = te?.ClockRate,
                    };
                    // Our rtpmap and fmtp (what we receive) on the payload type the offerer chose (RFC 3264 §6.1).
                    var mine = local.Codecs.First(l => l.SameFormat(codec)) with { PayloadType = codec.PayloadType };
                    answered.Add(AudioSection(mine, te, chosen.PtimeMs, ours, local.Port, media.Protocol, ourKey));
                    continue;
                }
            }
            answered.Add(new MediaDescription { Media = media.Media, Port = 0, Protocol = media.Protocol, Formats = media.Formats.Take(1).ToArray() });
        }
        if (chosen is null)
        {
            throw new SdpNegotiationException(srtpProblem ?? (offer.Media.Any(m => m.Media == "audio")
                ? "no common audio codec (" + string.Join(", ", local.Codecs.Select(c => c.Name)) + ")"
                : "the offer has no audio stream"));
        }
        return (Describe(local, answered), chosen);
    }

    /// <summary>Reads the answer to our offer; throws <see cref="SdpNegotiationException"/> when it is unusable.</summary>
    public static NegotiatedAudio ReadAnswer(SessionDescription offer, SessionDescription answer, LocalMedia local)
    {
        var media = answer.Media.FirstOrDefault(m => m.Media == "audio" && m.Port != 0)
            ?? throw new SdpNegotiationException("the answer rejected the audio stream");
        var answered = media.Codecs;
        var codec = answered.FirstOrDefault(a => local.Codecs.Any(l => l.SameFormat(a)))
            ?? throw new SdpNegotiationException("the answer chose no codec we offered");
        var te = local.TelephoneEvents ? EventFormatFor(answered, codec) : null;
        var theirs = answer.DirectionOf(media);
        var ours = theirs switch
        {
            MediaDirection.SendOnly => MediaDirection.RecvOnly,
            MediaDirection.RecvOnly => MediaDirection.SendOnly,
            MediaDirection.Inactive => MediaDirection.Inactive,
            _ => offer.Media.Count > 0 ? offer.DirectionOf(offer.Media[0]) : MediaDirection.SendRecv,
        };
        var connection = answer.ConnectionOf(media) ?? throw new SdpNegotiationException("the answer has no connection address");
        var theirKey = local.Srtp == SrtpPolicy.Off ? null : SdesCrypto.Of(media).FirstOrDefault();
        if (local.Srtp == SrtpPolicy.Require && theirKey is null) throw new SdpNegotiationException("SRTP is required and the answer has no usable a=crypto line");
        return new NegotiatedAudio(codec, te?.PayloadType, media.Ptime ?? local.PtimeMs, connection.Address, media.Port, ours)
        {
            LocalCrypto = theirKey is null ? null : OurCrypto(local, theirKey.Tag),
            RemoteCrypto = theirKey,
            TelephoneEventClockRate = te?.ClockRate,
        };
    }

    private static MediaDescription AudioSection(SdpCodec codec, SdpCodec? te, int ptime, MediaDirection direction, int port, string protocol, SdesCrypto? crypto)
    {
        var formats = new List<string> { codec.PayloadType.ToString(CultureInfo.InvariantCulture) };
        var attributes = new List<SdpAttribute>();
        AddFormat(attributes, codec);
        if (te is not null)
        {
            formats.Add(te.PayloadType.ToString(CultureInfo.InvariantCulture));
            AddFormat(attributes, te with { Channels = 1, Fmtp = "0-16" });
        }
        attributes.Add(new SdpAttribute("ptime", ptime.ToString(CultureInfo.InvariantCulture)));
        attributes.Add(new SdpAttribute(direction.ToAttribute()));
        if (crypto is not null) attributes.Add(new SdpAttribute("crypto", crypto.ToAttributeValue()));
        return new MediaDescription { Media = "audio", Port = port, Protocol = protocol, Formats = formats, Attributes = attributes };
    }

    private static SessionDescription Describe(LocalMedia local, IReadOnlyList<MediaDescription> media) => new()
    {
        Origin = new SdpOrigin("ncco", local.SessionId, local.SessionVersion, local.AddressType, local.Address),
        SessionName = "ncco",
        Connection = new SdpConnection(local.AddressType, local.Address),
        Media = media,
    };
}
