using Ncco.Media.Vad;

namespace Ncco.Media.Asr;

/// <summary>
/// Decides when a speech input is over, frame by frame in media time: nothing said within <c>startTimeout</c>
/// (<c>start_timeout</c>), <c>endOnSilence</c> of silence after speech (<c>end_on_silence_timeout</c>), or
/// <c>maxDuration</c> of speech (<c>max_duration</c>). Driven by a <see cref="VoiceActivityDetector"/> at the
/// configured sensitivity. Deterministic: no clocks, only samples.
/// <para>
/// The speech gate: onset is only a candidate until the utterance has held one voice without a break for
/// <see cref="MinVoicedFrames"/> frames after the first (<see cref="VoiceActivityDetector.VoicedRun"/> above it: 100 ms of
/// 20 ms frames with a steady pitch; every espeak-ng word measured has 6–8). A candidate that falls quiet before that (a breath, a cough, a rustle,
/// noise-suppression residue) was not speech: it is forgotten, the input goes on waiting for speech, and
/// <see cref="SpeechStart"/> stays null, so there is no barge-in for it. The start timeout does not fire in the middle
/// of a candidate (a word begun just before it is heard out); it fires at the first frame after the candidate is gone.
/// </para>
/// </summary>
public sealed class SpeechEndpointer
{
    private readonly VoiceActivityDetector _vad;
    private readonly long _startTimeout;
    private readonly long _endOnSilence;
    private readonly long _maxDuration;
    private long _position;
    private long _silence;
    private long? _candidate;

    /// <summary>Frames of steady-pitch voicing after a run's first (see the remarks) that make a candidate onset speech.</summary>
    public const int MinVoicedFrames = 4;

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

    /// <summary>Sample index where speech started (once confirmed by the gate, see the remarks), or null before.</summary>
    public long? SpeechStart { get; private set; }

    /// <summary>Sample index where the candidate being weighed, or the confirmed speech, started; null when neither.</summary>
    public long? CandidateStart => SpeechStart ?? _candidate;

    /// <summary>Candidate onsets forgotten as not speech so far (noise, breaths).</summary>
    public int Rejected { get; private set; }

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
                _candidate ??= Math.Max(0, _position - (frame.Length * 3));
                // One unbroken stretch of steady pitch: separate tonal blips of a suppressed breath do not add up.
                if (_vad.VoicedRun > MinVoicedFrames)
                {
                    SpeechStart = _candidate;
                    _candidate = null;
                }
            }
            else
            {
                if (_candidate is not null)
                {
                    Rejected++;
                    _candidate = null;
                }
                if (_position >= _startTimeout)
                {
                    Reason = SpeechTimeoutReason.StartTimeout;
                    return true;
                }
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
