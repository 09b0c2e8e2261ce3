namespace Ncco.Rtp.Codecs;

/// <summary>
/// What the two G.711 laws share: 8 kHz audio on an 8 kHz RTP clock, one byte per sample, 160 bytes per 20 ms.
/// </summary>
public abstract class G711Codec : IAudioCodec
{
    /// <inheritdoc/>
    public abstract byte PayloadType { get; }

    /// <inheritdoc/>
    public abstract string EncodingName { get; }

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
        EncodeLaw(pcm, destination);
        return pcm.Length;
    }

    /// <inheritdoc/>
    public int Decode(ReadOnlySpan<byte> payload, Span<short> destination)
    {
        DecodeLaw(payload, destination);
        return payload.Length;
    }

    /// <inheritdoc/>
    public int SamplesFor(ReadOnlySpan<byte> payload) => payload.Length;

    /// <inheritdoc/>
    public int MaxSamplesFor(int payloadLength) => payloadLength;

    /// <inheritdoc/>
    public bool Conceal(ReadOnlySpan<byte> next, Span<short> destination) => false;

    /// <summary>Companding of this law, one byte per sample.</summary>
    protected abstract void EncodeLaw(ReadOnlySpan<short> pcm, Span<byte> destination);

    /// <summary>Expansion of this law, one sample per byte.</summary>
    protected abstract void DecodeLaw(ReadOnlySpan<byte> payload, Span<short> destination);
}
