using Concentus;
using Concentus.Enums;
using Concentus.Structs;
using Ncco.Media.Resampling;

namespace Ncco.Rtp.Codecs;

/// <summary>
/// Opus (RFC 6716) over RTP (RFC 7587) on a dynamic payload type, through Concentus, a managed port of libopus.
/// The RTP clock is always 48 kHz (960 timestamp units per 20 ms) whatever the audio bandwidth; the PCM this codec
/// takes and gives is 16 kHz mono, the mixer's wideband rate. The encoder takes 16 kHz itself (so it sends wideband at
/// most, as our fmtp says). The decoder runs at 48 kHz and a <see cref="Resampler"/> brings its output to 16 kHz:
/// Concentus decodes hybrid and CELT packets (what a 48 kHz peer such as baresip sends) to silence when asked for
/// 16 kHz output directly. Received packets may hold 2.5 to 120 ms (peers send 10, 20, 40 or 60 ms);
/// <see cref="SamplesFor"/> reads their length from the packet. A lost packet is rebuilt from the in-band forward
/// error correction of the next one when it carries it, otherwise by Opus's packet-loss concealment.
/// </summary>
/// <remarks>
/// The managed encoder and decoder are used always, never a native libopus found at run time: the same behaviour and
/// cost on every platform, nothing to load, and the host stays trimmable. See bench/Ncco.Rtp.Benchmarks for its cost.
/// </remarks>
public sealed class OpusCodec : IAudioCodec
{
    /// <summary>The dynamic payload type we offer Opus on when we make the offer (the one WebRTC made conventional).</summary>
    public const byte DefaultPayloadType = 111;

    /// <summary>RFC 7587 §4.1: the RTP clock rate of Opus, whatever its audio bandwidth.</summary>
    public const int RtpClockRate = 48000;

    /// <summary>The PCM rate frames are exchanged at (the mixer's wideband rate).</summary>
    public const int PcmRate = 16000;

    /// <summary>Largest Opus packet duration (RFC 6716 §3.2.5): 120 ms.</summary>
    public const int MaxPacketSamples = PcmRate * 120 / 1000;

    private const int FrameSamples = PcmRate / 50;
    private const int DecodeRate = 48000;
    private const int DecodeRatio = DecodeRate / PcmRate;

    private readonly OpusEncoder _encoder;
    private readonly OpusDecoder _decoder;
    private readonly Resampler _down = new(DecodeRate, PcmRate);
    private readonly short[] _decoded = new short[MaxPacketSamples * DecodeRatio];
    private readonly short[] _resampled = new short[FrameSamples + 2]; // the resampler asks room for its rounding

    /// <summary>Creates a codec on <paramref name="payloadType"/> for a peer whose SDP said <paramref name="parameters"/>.</summary>
    /// <param name="payloadType">The dynamic payload type agreed in SDP (96–127, or any the offerer chose).</param>
    /// <param name="parameters">The peer's <c>a=fmtp</c> for Opus (what it wants to receive); null for the defaults.</param>
    public OpusCodec(byte payloadType = DefaultPayloadType, OpusParameters? parameters = null)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payloadType, (byte)127);
        PayloadType = payloadType;
        Parameters = parameters ?? OpusParameters.Default;
        // Managed always (see remarks): the factory would pick a native libopus when one happens to be installed.
#pragma warning disable CS0618
        _encoder = new OpusEncoder(PcmRate, 1, OpusApplication.OPUS_APPLICATION_VOIP);
        _decoder = new OpusDecoder(DecodeRate, 1);
#pragma warning restore CS0618
        _encoder.Bitrate = Parameters.MaxAverageBitrate is { } cap ? Math.Min(cap, OpusParameters.OurBitrate) : OpusParameters.OurBitrate;
        _encoder.Complexity = OpusParameters.Complexity;
        _encoder.SignalType = OpusSignal.OPUS_SIGNAL_VOICE;
        _encoder.MaxBandwidth = Parameters.MaxPlaybackRate switch
        {
            <= 8000 => OpusBandwidth.OPUS_BANDWIDTH_NARROWBAND,
            <= 12000 => OpusBandwidth.OPUS_BANDWIDTH_MEDIUMBAND,
            _ => OpusBandwidth.OPUS_BANDWIDTH_WIDEBAND,
        };
        // FEC costs bits; send it only to a peer that said it can use it (RFC 7587 §3.1.1 useinbandfec).
        _encoder.UseInbandFEC = Parameters.UseInbandFec;
        _encoder.PacketLossPercent = Parameters.UseInbandFec ? 10 : 0;
        _encoder.UseVBR = !Parameters.ConstantBitrate;
        _encoder.UseDTX = false; // a silent peer must still look alive to latching, RTCP and media timeouts
    }

    /// <summary>The peer's format parameters this encoder follows.</summary>
    public OpusParameters Parameters { get; }

    /// <inheritdoc/>
    public byte PayloadType { get; }

    /// <inheritdoc/>
    public string EncodingName => "opus";

    /// <inheritdoc/>
    public int ClockRate => RtpClockRate;

    /// <inheritdoc/>
    public int SampleRate => PcmRate;

    /// <inheritdoc/>
    public int SamplesPerFrame => FrameSamples;

    /// <inheritdoc/>
    public int TimestampUnitsPerFrame => RtpClockRate / 50;

    /// <inheritdoc/>
    public int BytesPerFrame => OpusParameters.MaxPacketBytes;

    /// <inheritdoc/>
    public int Encode(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        if (pcm.Length != FrameSamples)
        {
            throw new ArgumentException($"Opus frames here are 20 ms: {FrameSamples} samples", nameof(pcm));
        }
        return _encoder.Encode(pcm, FrameSamples, destination, Math.Min(destination.Length, OpusParameters.MaxPacketBytes));
    }

    /// <inheritdoc/>
    public int Decode(ReadOnlySpan<byte> payload, Span<short> destination)
    {
        var samples = SamplesFor(payload);
        if (samples == 0)
        {
            return 0;
        }
        if (destination.Length < MaxSamplesFor(payload.Length))
        {
            throw new ArgumentException($"an Opus packet may decode to {MaxSamplesFor(payload.Length)} samples", nameof(destination));
        }
        int decoded;
        try
        {
            decoded = _decoder.Decode(payload, _decoded, _decoded.Length, false);
        }
        catch (OpusException)
        {
            return 0; // a corrupt packet is a loss, never a failed call
        }
        catch (ArgumentException)
        {
            return 0; // Concentus reports some malformed packets this way
        }
        return _down.Process(_decoded.AsSpan(0, decoded), destination);
    }

    /// <inheritdoc/>
    public int SamplesFor(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return 0;
        }
        try
        {
            var samples = OpusPacketInfo.GetNumSamples(payload, PcmRate);
            return samples is > 0 and <= MaxPacketSamples ? samples : 0;
        }
        catch (OpusException)
        {
            return 0;
        }
        catch (ArgumentException)
        {
            return 0;
        }
    }

    /// <inheritdoc/>
    public int MaxSamplesFor(int payloadLength) => MaxPacketSamples + 2; // + the resampler's rounding room

    /// <inheritdoc/>
    public bool Conceal(ReadOnlySpan<byte> next, Span<short> destination)
    {
        var frame = destination[..FrameSamples];
        var wide = _decoded.AsSpan(0, FrameSamples * DecodeRatio);
        try
        {
            // Decoding the next packet with decode_fec rebuilds the lost one from its LBRR data (SILK modes only);
            // without such data libopus falls back to concealment by itself.
            var written = !next.IsEmpty && SamplesFor(next) > 0 ? _decoder.Decode(next, wide, wide.Length, true) : 0;
            if (written != wide.Length)
            {
                written = _decoder.Decode(ReadOnlySpan<byte>.Empty, wide, wide.Length, false);
            }
            if (written != wide.Length)
            {
                return false;
            }
            // 48 → 16 kHz is an integer ratio: exactly one frame comes out.
            var produced = _down.Process(wide, _resampled);
            _resampled.AsSpan(0, Math.Min(produced, FrameSamples)).CopyTo(frame);
            if (produced < FrameSamples) frame[produced..].Clear();
            return true;
        }
        catch (OpusException)
        {
            frame.Clear();
            return true;
        }
        catch (ArgumentException)
        {
            frame.Clear();
            return true;
        }
    }
}
