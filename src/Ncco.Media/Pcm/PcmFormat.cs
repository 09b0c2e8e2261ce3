namespace Ncco.Media.Pcm;

/// <summary>
/// Linear 16-bit signed PCM (host byte order in memory, little-endian on the wire), mono unless stated.
/// Media runs on a 20 ms clock: one frame is <see cref="FrameDuration"/> of audio.
/// </summary>
/// <param name="SampleRate">Samples per second: 8000, 16000 or 24000 for call legs; other rates for files.</param>
/// <param name="Channels">Interleaved channels (1 for call legs).</param>
public readonly record struct PcmFormat(int SampleRate, int Channels = 1)
{
    /// <summary>The frame period of the media clock.</summary>
    public static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(FrameMilliseconds);

    /// <summary>The frame period in milliseconds (20).</summary>
    public const int FrameMilliseconds = 20;

    /// <summary>Narrow-band telephony: 8 kHz mono.</summary>
    public static PcmFormat Narrowband => new(8000);

    /// <summary>Wide-band: 16 kHz mono.</summary>
    public static PcmFormat Wideband => new(16000);

    /// <summary>Super-wide-band: 24 kHz mono.</summary>
    public static PcmFormat SuperWideband => new(24000);

    /// <summary>Samples per channel in one 20 ms frame (160 at 8 kHz, 320 at 16 kHz, 480 at 24 kHz).</summary>
    public int SamplesPerFrame => SampleRate * FrameMilliseconds / 1000;

    /// <summary>Interleaved samples (all channels) in one 20 ms frame.</summary>
    public int InterleavedSamplesPerFrame => SamplesPerFrame * Channels;

    /// <summary>Bytes of one 20 ms frame of 16-bit PCM (320 B at 8 kHz mono, 640 at 16 kHz, 960 at 24 kHz).</summary>
    public int BytesPerFrame => InterleavedSamplesPerFrame * sizeof(short);

    /// <summary>Whether this is one of the call-leg rates (8, 16 or 24 kHz, mono).</summary>
    public bool IsCallLegFormat => Channels == 1 && SampleRate is 8000 or 16000 or 24000;

    /// <summary>Duration of <paramref name="samplesPerChannel"/> samples.</summary>
    public TimeSpan DurationOf(long samplesPerChannel) => TimeSpan.FromSeconds((double)samplesPerChannel / SampleRate);

    /// <summary>Samples per channel in <paramref name="duration"/> (rounded down).</summary>
    public long SamplesIn(TimeSpan duration) => (long)(duration.TotalSeconds * SampleRate);

    /// <summary>Throws when the rate or channel count is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Rate not in 4000–192000 or channels not in 1–32.</exception>
    public PcmFormat Validate()
    {
        if (SampleRate is < 4000 or > 192000)
        {
            throw new ArgumentOutOfRangeException(nameof(SampleRate), SampleRate, "sample rate must be 4000–192000 Hz");
        }
        if (Channels is < 1 or > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "channels must be 1–32");
        }
        return this;
    }
}
