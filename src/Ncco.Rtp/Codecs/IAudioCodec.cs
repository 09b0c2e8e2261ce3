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

    /// <summary>Encoded bytes of a 20 ms frame.</summary>
    int BytesPerFrame { get; }

    /// <summary>Encodes PCM; returns bytes written.</summary>
    int Encode(ReadOnlySpan<short> pcm, Span<byte> destination);

    /// <summary>Decodes a payload; returns samples written.</summary>
    int Decode(ReadOnlySpan<byte> payload, Span<short> destination);

    /// <summary>PCM samples a payload of <paramref name="payloadLength"/> bytes decodes to.</summary>
    int SamplesFor(int payloadLength);
}
