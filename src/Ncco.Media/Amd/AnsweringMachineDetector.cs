using Ncco.Media.Vad;

namespace Ncco.Media.Amd;

/// <summary>
/// Answering-machine detection from the first seconds after answer, by energy and cadence (voice-activity detector):
/// long initial silence, a long greeting or many words → machine; a short greeting followed by silence → human. After a
/// machine verdict it keeps listening for the beep (<see cref="BeepDetector"/>) up to the beep timeout.
/// Works frame by frame in media time; deterministic and allocation-free.
/// </summary>
public sealed class AnsweringMachineDetector
{
    private readonly int _sampleRate;
    private readonly AmdOptions _options;
    private readonly VoiceActivityDetector _vad = new(85);
    private readonly BeepDetector _beep;
    private long _position;
    private long _silence;
    private long _voiced;
    private long _greeting;
    private int _words;
    private bool _heardSpeech;
    private long _verdictAt;
    private bool _beepDone;

    /// <summary>Creates a detector.</summary>
    public AnsweringMachineDetector(int sampleRate, AmdOptions? options = null)
    {
        new Pcm.PcmFormat(sampleRate).Validate();
        _sampleRate = sampleRate;
        _options = options ?? AmdOptions.Default;
        _beep = new BeepDetector(sampleRate);
    }

    /// <summary>Current verdict.</summary>
    public AmdVerdict Verdict { get; private set; }

    /// <summary>Words counted in the greeting.</summary>
    public int Words => _words;

    /// <summary>Whether the detector has nothing more to report.</summary>
    public bool IsDone => Verdict == AmdVerdict.Human || _beepDone;

    /// <summary>Consumes a 20 ms frame; returns an event when a verdict, a beep or a beep timeout happens.</summary>
    public AmdEvent? Process(ReadOnlySpan<short> frame)
    {
        _position += frame.Length;
        if (Verdict == AmdVerdict.Machine)
        {
            if (_beepDone)
            {
                return null;
            }
            if (_beep.Process(frame))
            {
                _beepDone = true;
                return new AmdEvent(AmdVerdict.Machine, "beep", true, false, _position - (5 * frame.Length));
            }
            if (_position - _verdictAt >= Samples(_options.BeepTimeout))
            {
                _beepDone = true;
                return new AmdEvent(AmdVerdict.Machine, "beep_timeout", false, true, _position);
            }
            return null;
        }
        if (Verdict == AmdVerdict.Human)
        {
            return null;
        }

        // A beep straight away (no greeting) is a machine too.
        if (_beep.Process(frame))
        {
            _beepDone = true;
            Decide(AmdVerdict.Machine);
            return new AmdEvent(AmdVerdict.Machine, "beep", true, false, _position - (5 * frame.Length));
        }

        var speech = _vad.Process(frame);
        if (speech)
        {
            _heardSpeech = true;
            _voiced += frame.Length;
            _greeting += frame.Length;
            _silence = 0;
            if (_voiced >= Samples(_options.MinWord) && _voiced - frame.Length < Samples(_options.MinWord))
            {
                _words++;
            }
            if (_greeting >= Samples(_options.MaxGreeting))
            {
                return Decide(AmdVerdict.Machine, "long_greeting");
            }
            if (_words > _options.MaxWords)
            {
                return Decide(AmdVerdict.Machine, "too_many_words");
            }
        }
        else
        {
            _voiced = 0;
            _silence += frame.Length;
            if (!_heardSpeech && _silence >= Samples(_options.InitialSilence))
            {
                return Decide(AmdVerdict.Machine, "initial_silence");
            }
            if (_heardSpeech && _silence >= Samples(_options.AfterGreetingSilence))
            {
                return Decide(AmdVerdict.Human, "short_greeting");
            }
        }
        if (_position >= Samples(_options.TotalAnalysis))
        {
            return Decide(AmdVerdict.Human, "not_sure");
        }
        return null;
    }

    private AmdEvent Decide(AmdVerdict verdict, string reason = "beep")
    {
        Verdict = verdict;
        _verdictAt = _position;
        return new AmdEvent(verdict, reason, false, false, _position);
    }

    private long Samples(TimeSpan t) => (long)(t.TotalSeconds * _sampleRate);
}
