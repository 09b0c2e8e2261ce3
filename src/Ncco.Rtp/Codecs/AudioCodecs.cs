namespace Ncco.Rtp.Codecs;

/// <summary>Creates codec instances by payload type or SDP encoding name.</summary>
public static class AudioCodecs
{
    /// <summary>Encoding names this library implements, in our order of preference (wideband first).</summary>
    public static IReadOnlyList<string> Supported { get; } = ["G722", "PCMU", "PCMA"];

    /// <summary>A new codec for a static payload type (0, 8 or 9), or null when unsupported.</summary>
    public static IAudioCodec? Create(byte payloadType) => payloadType switch
    {
        PcmuCodec.StaticPayloadType => new PcmuCodec(),
        PcmaCodec.StaticPayloadType => new PcmaCodec(),
        G722Codec.StaticPayloadType => new G722Codec(),
        _ => null,
    };

    /// <summary>A new codec for an SDP encoding name (case-insensitive), or null when unsupported.</summary>
    public static IAudioCodec? Create(string encodingName) => encodingName.ToUpperInvariant() switch
    {
        "PCMU" => new PcmuCodec(),
        "PCMA" => new PcmaCodec(),
        "G722" => new G722Codec(),
        _ => null,
    };
}
