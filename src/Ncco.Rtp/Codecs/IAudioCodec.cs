namespace Ncco.Rtp.Codecs;

/// <summary>
/// An RTP audio codec instance for one direction-pair of one stream (stateful codecs such as G.722 keep their
/// predictor here). Encode/decode write into caller buffers and do not allocate. Not thread-safe: the session encodes
/// on the media thread and decodes on the media thread too.
/// </summary>
public interface IAudioCodec
{
    /// <summary>Static RTP payload type (RFC 3551) or the negotiated dynamic one.</summary>
    byte PayloadType { get; }

    /// <summary>Encoding name as written in SDP rtpmap (e.g. "PCMU", "G722").</summary>
    string EncodingName { get; }

    /// <summary>RTP timestamp clock rate (8000 for G.722 too, a historical quirk of RFC 3551 §4.5.2).</summary>
    int ClockRate { get; }

    /// <summary>Audio sample rate of the PCM the codec consumes and produces.</summary>
    int SampleRate { get; }

    /// <summary>PCM samples in a 20 ms frame at <see cref="SampleRate"/>.</summary>
    int SamplesPerFrame { get; }

    /// <summary>RTP timestamp advance of a 20 ms frame (in <see cref="ClockRate"/> units).</summary>
    int TimestampUnitsPerFrame { get; }

    /// <summary>Encoded bytes of a 20 ms frame (an upper bound for a variable-rate codec such as Opus).</summary>
    int BytesPerFrame { get; }

    /// <summary>Encodes PCM; returns bytes written.</summary>
    int Encode(ReadOnlySpan<short> pcm, Span<byte> destination);

    /// <summary>
    /// Decodes a payload; returns samples written, 0 for a payload the codec cannot decode (a malformed Opus packet,
    /// say: the caller conceals it like a loss). <paramref name="destination"/> holds at least
    /// <see cref="MaxSamplesFor"/> of the payload's length.
    /// </summary>
    int Decode(ReadOnlySpan<byte> payload, Span<short> destination);

    /// <summary>
    /// PCM samples <paramref name="payload"/> decodes to: fixed by its length for G.711 and G.722, read from the packet
    /// (its table-of-contents byte) for Opus, whose packets hold 2.5 to 120 ms; 0 when the payload is malformed.
    /// </summary>
    int SamplesFor(ReadOnlySpan<byte> payload);

    /// <summary>The most PCM samples any payload of <paramref name="payloadLength"/> bytes can decode to (buffer sizing).</summary>
    int MaxSamplesFor(int payloadLength);

    /// <summary>
    /// Writes one 20 ms frame (<see cref="SamplesPerFrame"/> samples) standing in for a lost packet, from the codec's
    /// own loss concealment (Opus: forward error correction from <paramref name="next"/>, the packet after the loss,
    /// when it carries it; else its packet-loss concealment). Returns false when the codec has none (G.711, G.722):
    /// the session then repeats and fades the last frame.
    /// </summary>
    bool Conceal(ReadOnlySpan<byte> next, Span<short> destination);
}
