using Ncco.Media.Vad;

namespace Ncco.Media.Asr;

/// <summary>
/// Decides when a speech input is over, frame by frame in media time: nothing said within <c>startTimeout</c>
/// (<c>start_timeout</c>), <c>endOnSilence</c> of silence after speech (<c>end_on_silence_timeout</c>), or
/// <c>maxDuration</c> of speech (<c>max_duration</c>). Driven by a <see cref="VoiceActivityDetector"/> at the
/// configured sensitivity. Deterministic: no clocks, only samples.
/// </summary>
public sealed class SpeechEndpointer
{
    private readonly VoiceActivityDetector _vad;
    private readonly long _startTimeout;
    private readonly long _endOnSilence;
    private readonly long _maxDuration;
    private long _position;
    private long _silence;

    /// <summary>Creates an endpointer for a stream at <paramref name="sampleRate"/>.</summary>
    public SpeechEndpointer(AsrSettings settings, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _vad = new VoiceActivityDetector(settings.Sensitivity, ignoreDigitalSilence: true, requireVoicing: true);
        _startTimeout = (long)(settings.StartTimeout * sampleRate);
        _endOnSilence = (long)(settings.EndOnSilence * sampleRate);
        _maxDuration = (long)(settings.MaxDuration * sampleRate);
    }

    /// <summary>Sample index where speech started, or null before.</summary>
    public long? SpeechStart { get; private set; }

    /// <summary>The timeout reason once finished, else null.</summary>
    public string? Reason { get; private set; }

    /// <summary>Whether the VAD currently hears speech.</summary>
    public bool InSpeech => _vad.IsSpeech;

    /// <summary>Consumes one frame; returns true once the input is over (see <see cref="Reason"/>).</summary>
    /// <param name="frame">The samples.</param>
    /// <param name="tone">The frame holds a DTMF key tone: it is time passing, never speech (<see cref="VoiceActivityDetector.Skip"/>).</param>
    public bool Process(ReadOnlySpan<short> frame, bool tone = false)
    {
        if (Reason is not null)
        {
            return true;
        }
        var speech = tone ? _vad.Skip() : _vad.Process(frame);
        _position += frame.Length;
        if (SpeechStart is null)
        {
            if (speech)
            {
                // The VAD needs 2 frames to confirm onset; speech began that much earlier.
                SpeechStart = Math.Max(0, _position - (frame.Length * 3));
            }
            else if (_position >= _startTimeout)
            {
                Reason = SpeechTimeoutReason.StartTimeout;
                return true;
            }
        }
        if (SpeechStart is { } start)
        {
            _silence = speech ? 0 : _silence + frame.Length;
            if (_silence >= _endOnSilence)
            {
                Reason = SpeechTimeoutReason.EndOnSilence;
            }
            else if (_position - start >= _maxDuration)
            {
                Reason = SpeechTimeoutReason.MaxDuration;
            }
        }
        return Reason is not null;
    }
}
