using System.Runtime.CompilerServices;
using Ncco.Media.G711;

namespace Ncco.Rtp.Codecs;

/// <summary>G.711 µ-law, payload type 0, 8 kHz.</summary>
public sealed class PcmuCodec : G711Codec
{
    /// <summary>
    /// Creates the codec. The first one in the process builds the law's encoding table (<see cref="MuLaw"/>'s type
    /// initialiser) here, on the thread setting the call up, rather than on the media thread's frame path at the
    /// call's first packet, where it would be an allocation every tick's budget pays for.
    /// </summary>
    public PcmuCodec() => RuntimeHelpers.RunClassConstructor(typeof(MuLaw).TypeHandle);

    /// <summary>RFC 3551 static payload type.</summary>
    public const byte StaticPayloadType = 0;

    /// <inheritdoc/>
    public override byte PayloadType => StaticPayloadType;

    /// <inheritdoc/>
    public override string EncodingName => "PCMU";

    /// <inheritdoc/>
    protected override void EncodeLaw(ReadOnlySpan<short> pcm, Span<byte> destination) => MuLaw.Encode(pcm, destination);

    /// <inheritdoc/>
    protected override void DecodeLaw(ReadOnlySpan<byte> payload, Span<short> destination) => MuLaw.Decode(payload, destination);
}
