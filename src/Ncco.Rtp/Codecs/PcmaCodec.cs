using Ncco.Media.G711;

namespace Ncco.Rtp.Codecs;

/// <summary>G.711 A-law, payload type 8, 8 kHz.</summary>
public sealed class PcmaCodec : G711Codec
{
    /// <summary>RFC 3551 static payload type.</summary>
    public const byte StaticPayloadType = 8;

    /// <inheritdoc/>
    public override byte PayloadType => StaticPayloadType;

    /// <inheritdoc/>
    public override string EncodingName => "PCMA";

    /// <inheritdoc/>
    protected override void EncodeLaw(ReadOnlySpan<short> pcm, Span<byte> destination) => ALaw.Encode(pcm, destination);

    /// <inheritdoc/>
    protected override void DecodeLaw(ReadOnlySpan<byte> payload, Span<short> destination) => ALaw.Decode(payload, destination);
}
