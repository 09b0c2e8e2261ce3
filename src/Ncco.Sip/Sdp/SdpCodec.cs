namespace Ncco.Sip.Sdp;

/// <summary>An RTP payload format: the payload type number, the encoding name and the RTP clock rate.</summary>
/// <param name="PayloadType">0–127.</param>
/// <param name="Name">Encoding name as in a=rtpmap (PCMU, PCMA, G722, telephone-event).</param>
/// <param name="ClockRate">RTP clock rate. G.722 says 8000 although it samples at 16 kHz (RFC 3551 §4.5.2).</param>
public sealed record SdpCodec(int PayloadType, string Name, int ClockRate)
{
    /// <summary>G.711 µ-law, static payload type 0.</summary>
    public static SdpCodec Pcmu { get; } = new(0, "PCMU", 8000);

    /// <summary>G.711 A-law, static payload type 8.</summary>
    public static SdpCodec Pcma { get; } = new(8, "PCMA", 8000);

    /// <summary>G.722, static payload type 9.</summary>
    public static SdpCodec G722 { get; } = new(9, "G722", 8000);

    /// <summary>RFC 4733 events on the conventional dynamic type 101.</summary>
    public static SdpCodec TelephoneEvent { get; } = new(101, "telephone-event", 8000);

    /// <summary>True when the names match (case-insensitive) and clock rates agree.</summary>
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
