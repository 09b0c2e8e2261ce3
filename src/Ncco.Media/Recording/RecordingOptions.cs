namespace Ncco.Media.Recording;

/// <summary>
/// The media half of NCCO <c>record</c> (and conversation recording). The host maps the action onto this record.
/// </summary>
/// <param name="Format">File format; MP3 with more than 2 channels is written as WAV (as the platform does).</param>
/// <param name="Channels">1 = mono; 2–32 = split, one channel per leg.</param>
/// <param name="EndOnSilence">Stop after this much continuous silence (3–10 s), or null.</param>
/// <param name="EndOnKey">Stop when this DTMF key is detected in-band (0–9, *, #), or null.</param>
/// <param name="TimeOut">Maximum length (3–7200 s).</param>
/// <param name="BeepStart">The host should play <see cref="CallRecorder.CreateBeep"/> before recording starts.</param>
/// <param name="SampleRate">Output rate (16 kHz per the platform).</param>
public sealed record RecordingOptions(
    RecordingFormat Format = RecordingFormat.Mp3,
    int Channels = 1,
    TimeSpan? EndOnSilence = null,
    char? EndOnKey = null,
    TimeSpan? TimeOut = null,
    bool BeepStart = false,
    int SampleRate = 16000)
{
    /// <summary>Effective maximum length (7200 s when unset).</summary>
    public TimeSpan EffectiveTimeOut => TimeOut ?? TimeSpan.FromSeconds(7200);

    /// <summary>The format actually written (MP3 falls back to WAV above 2 channels).</summary>
    public RecordingFormat EffectiveFormat => Format == RecordingFormat.Mp3 && Channels > 2 ? RecordingFormat.Wav : Format;

    /// <summary>Checks ranges; throws <see cref="ArgumentException"/> naming the field.</summary>
    public RecordingOptions Validate()
    {
        if (Channels is < 1 or > 32)
        {
            throw new ArgumentException($"channels must be 1-32, got {Channels}", nameof(Channels));
        }
        if (EndOnSilence is { } s && (s < TimeSpan.FromSeconds(3) || s > TimeSpan.FromSeconds(10)))
        {
            throw new ArgumentException($"endOnSilence must be 3-10 s, got {s.TotalSeconds} s", nameof(EndOnSilence));
        }
        if (TimeOut is { } t && (t < TimeSpan.FromSeconds(3) || t > TimeSpan.FromSeconds(7200)))
        {
            throw new ArgumentException($"timeOut must be 3-7200 s, got {t.TotalSeconds} s", nameof(TimeOut));
        }
        if (EndOnKey is { } k && !"0123456789*#".Contains(k, StringComparison.Ordinal))
        {
            throw new ArgumentException($"endOnKey must be one of 0-9, * or #, got '{k}'", nameof(EndOnKey));
        }
        return this;
    }
}
