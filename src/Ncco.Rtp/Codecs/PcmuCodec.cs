using Ncco.Media.G711;

namespace Ncco.Rtp.Codecs;

/// <summary>G.711 µ-law, payload type 0, 8 kHz.</summary>
public sealed class PcmuCodec : IAudioCodec
{
    /// <summary>RFC 3551 static payload type.</summary>
    public const byte StaticPayloadType = 0;

    /// <inheritdoc/>
    public byte PayloadType => StaticPayloadType;

    /// <inheritdoc/>
    public string EncodingName => "PCMU";

    /// <inheritdoc/>
    public int ClockRate => 8000;

    /// <inheritdoc/>
    public int SampleRate => 8000;

    /// <inheritdoc/>
    public int SamplesPerFrame => 160;

    /// <inheritdoc/>
    public int TimestampUnitsPerFrame => 160;

    /// <inheritdoc/>
    public int BytesPerFrame => 160;

    /// <inheritdoc/>
    public int Encode(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        MuLaw.Encode(pcm, destination);
        return pcm.Length;
    }

    /// <inheritdoc/>
    public int Decode(ReadOnlySpan<byte> payload, Span<short> destination)
    {
        MuLaw.Decode(payload, destination);
        return payload.Length;
    }

    /// <inheritdoc/>
    public int SamplesFor(int payloadLength) => payloadLength;
}
