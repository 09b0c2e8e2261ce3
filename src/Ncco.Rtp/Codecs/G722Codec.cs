using Ncco.Media.G722;

namespace Ncco.Rtp.Codecs;

/// <summary>
/// G.722 at 64 kbit/s, payload type 9: 16 kHz audio, but an RTP clock of 8000 Hz (RFC 3551 §4.5.2 kept the value of
/// an early error), so a 20 ms packet holds 320 samples in 160 bytes and advances the timestamp by 160.
/// </summary>
public sealed class G722Codec : IAudioCodec
{
    /// <summary>RFC 3551 static payload type.</summary>
    public const byte StaticPayloadType = 9;

    private readonly G722Encoder _encoder = new();
    private readonly G722Decoder _decoder = new();

    /// <inheritdoc/>
    public byte PayloadType => StaticPayloadType;

    /// <inheritdoc/>
    public string EncodingName => "G722";

    /// <inheritdoc/>
    public int ClockRate => 8000;

    /// <inheritdoc/>
    public int SampleRate => 16000;

    /// <inheritdoc/>
    public int SamplesPerFrame => 320;

    /// <inheritdoc/>
    public int TimestampUnitsPerFrame => 160;

    /// <inheritdoc/>
    public int BytesPerFrame => 160;

    /// <inheritdoc/>
    public int Encode(ReadOnlySpan<short> pcm, Span<byte> destination) => _encoder.Encode(pcm, destination);

    /// <inheritdoc/>
    public int Decode(ReadOnlySpan<byte> payload, Span<short> destination) => _decoder.Decode(payload, destination);

    /// <inheritdoc/>
    public int SamplesFor(ReadOnlySpan<byte> payload) => payload.Length * 2;

    /// <inheritdoc/>
    public int MaxSamplesFor(int payloadLength) => payloadLength * 2;

    /// <inheritdoc/>
    public bool Conceal(ReadOnlySpan<byte> next, Span<short> destination) => false;
}
