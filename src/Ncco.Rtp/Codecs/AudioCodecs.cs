namespace Ncco.Rtp.Codecs;

/// <summary>Creates codec instances by payload type or SDP encoding name.</summary>
public static class AudioCodecs
{
    /// <summary>Encoding names this library implements (as written in SDP rtpmap, compared case-insensitively).</summary>
    public static IReadOnlyList<string> Supported { get; } = ["G722", "PCMU", "PCMA", "opus"];

    /// <summary>A new codec for a static payload type (0, 8 or 9), or null when unsupported.</summary>
    public static IAudioCodec? Create(byte payloadType) => payloadType switch
    {
        PcmuCodec.StaticPayloadType => new PcmuCodec(),
        PcmaCodec.StaticPayloadType => new PcmaCodec(),
        G722Codec.StaticPayloadType => new G722Codec(),
        _ => null,
    };

    /// <summary>A new codec for an SDP encoding name (case-insensitive), or null when unsupported.</summary>
    /// <param name="encodingName">PCMU, PCMA, G722 or opus.</param>
    /// <param name="payloadType">The payload type SDP agreed for a dynamic codec (Opus); null for its default. Static codecs keep theirs.</param>
    /// <param name="fmtp">The peer's <c>a=fmtp</c> value for the codec (Opus: <see cref="OpusParameters"/>), or null.</param>
    public static IAudioCodec? Create(string encodingName, byte? payloadType = null, string? fmtp = null) => encodingName.ToUpperInvariant() switch
    {
        "PCMU" => new PcmuCodec(),
        "PCMA" => new PcmaCodec(),
        "G722" => new G722Codec(),
        "OPUS" => new OpusCodec(payloadType ?? OpusCodec.DefaultPayloadType, OpusParameters.Parse(fmtp)),
        _ => null,
    };
}
