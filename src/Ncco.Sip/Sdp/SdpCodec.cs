namespace Ncco.Sip.Sdp;

/// <summary>An RTP payload format: the payload type number, the encoding name and the RTP clock rate.</summary>
/// <param name="PayloadType">0–127 (96–127 for the dynamic ones: Opus, telephone-event).</param>
/// <param name="Name">Encoding name as in a=rtpmap (PCMU, PCMA, G722, opus, telephone-event).</param>
/// <param name="ClockRate">RTP clock rate. G.722 says 8000 although it samples at 16 kHz (RFC 3551 §4.5.2).</param>
public sealed record SdpCodec(int PayloadType, string Name, int ClockRate)
{
    /// <summary>Audio channels from the rtpmap's third field (1 when absent; Opus always says 2, RFC 7587 §7).</summary>
    public int Channels { get; init; } = 1;

    /// <summary>The <c>a=fmtp</c> value for this payload type without the number, or null: ours in offers and answers, the peer's when read from its SDP.</summary>
    public string? Fmtp { get; init; }

    /// <summary>
    /// Opus (RFC 7587) on dynamic payload type 111 (an answer uses the type the offerer chose): <c>opus/48000/2</c>
    /// whatever is sent, with our receive preferences in fmtp — 16 kHz audio (what the mixer runs at), mono, in-band FEC.
    /// </summary>
    public static SdpCodec Opus { get; } = new(111, "opus", 48000)
    {
        Channels = 2,
        Fmtp = "maxplaybackrate=16000; sprop-maxcapturerate=16000; stereo=0; sprop-stereo=0; useinbandfec=1",
    };

    /// <summary>RFC 4733 events on the 48 kHz clock, offered beside Opus (type 110) so events and audio share a clock.</summary>
    public static SdpCodec TelephoneEventWideband { get; } = new(110, "telephone-event", 48000);

    /// <summary>The rtpmap value: <c>{pt} {name}/{clock}</c>, with <c>/{channels}</c> when not 1.</summary>
    public string RtpMap => Channels == 1
        ? $"{PayloadType.ToString(System.Globalization.CultureInfo.InvariantCulture)} {Name}/{ClockRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
        : $"{PayloadType.ToString(System.Globalization.CultureInfo.InvariantCulture)} {Name}/{ClockRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{Channels.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>G.711 µ-law, static payload type 0.</summary>
    public static SdpCodec Pcmu { get; } = new(0, "PCMU", 8000);

    /// <summary>G.711 A-law, static payload type 8.</summary>
    public static SdpCodec Pcma { get; } = new(8, "PCMA", 8000);

    /// <summary>G.722, static payload type 9.</summary>
    public static SdpCodec G722 { get; } = new(9, "G722", 8000);

    /// <summary>RFC 4733 events on the conventional dynamic type 101.</summary>
    public static SdpCodec TelephoneEvent { get; } = new(101, "telephone-event", 8000);

    /// <summary>
    /// True when the names match (case-insensitive) and clock rates agree. Channels are not compared: an Opus rtpmap
    /// without the <c>/2</c> that RFC 7587 requires is still Opus (older phones wrote it so).
    /// </summary>
    public bool SameFormat(SdpCodec other) =>
        string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase) && ClockRate == other.ClockRate;

    /// <summary>The codec a static payload type stands for when no rtpmap is given (RFC 3551 table 4), or null.</summary>
    public static SdpCodec? Static(int payloadType) => payloadType switch
    {
        0 => Pcmu,
        8 => Pcma,
        9 => G722,
        _ => null,
    };
}
