using Ncco.Media.Pcm;

namespace Ncco.Media.Vad;

/// <summary>
/// Energy voice-activity detector with a minimum-statistics noise floor (lowest frame level over the last 3 s, plus
/// 1 dB; key-tone frames passed to <see cref="Skip"/> are left out), run on 20 ms frames. <c>sensitivity</c> (10–100, NCCO
/// default 90) sets how far above the noise floor and above an absolute floor a frame must be to count as speech:
/// margin = 3 + (100 − s)/4 dB, floor = −60 + 0.3·(100 − s) dBFS. Speech starts after 2 loud frames (40 ms) and is held
/// for 200 ms after the last loud frame. Allocation-free; one instance per stream.
/// <para>
/// With <c>requireVoicing</c> (speech inputs) loudness alone is not speech: a person's speech has voiced sounds (the
/// vocal folds' pitch, 70–400 Hz, a strong repeat in the waveform), while a breath into the microphone, a rustle or
/// room noise raised by a browser's automatic gain control has none. Speech then starts only on
/// <see cref="OnsetFrames"/> loud <em>voiced</em> frames (the recogniser still gets the unvoiced consonant before them,
/// through the input's pre-roll), and a loud stretch with no voiced frame for <see cref="MaxUnvoicedFrames"/> (500 ms:
/// longer than any fricative) counts as quiet, so the noise after a word is silence for <c>endOnSilence</c>. Voicing is
/// the peak of the frame's normalised autocorrelation over the pitch lags (<see cref="VoicingThreshold"/>), computed
/// only for loud frames, in a frame whose zero-crossing rate is that of a voice rather than of hiss
/// (<see cref="MaxVoicedCrossingHz"/>).
/// </para>
/// <para>
/// A voice holds its pitch from one 20 ms frame to the next; noise (a breath after a browser's noise suppression,
/// whose residue can peak over the threshold in a frame or two) jumps between unrelated lags. So onset needs
/// <see cref="OnsetFrames"/> consecutive voiced frames whose pitch periods agree within <see cref="PitchContinuity"/>
/// (<see cref="VoicedRun"/> counts such a run), and <see cref="Asr.SpeechEndpointer"/> confirms an utterance only
/// after enough of them.
/// </para>
/// <para>
/// Pitch is looked for over the frame and the one before (40 ms, so a low voice shows two periods). When the pitch glides
/// while the vowel changes, that window blurs the repeat: one in-process espeak-ng rendering of "yes" has a frame
/// mid-vowel whose 40 ms peak is 0.52, between frames of periods 87 and 97 samples, which split the word into two runs of
/// four, and the gate took the word for noise. So inside a run, a loud frame with no pitch over 40 ms is tried alone
/// (20 ms: voices above 100 Hz), and continues the run only at the run's own pitch: noise gets no second chance to start
/// one. Measured on 300 seeded breath mixes (<c>SpeechGateTests</c>' generators), breaths holding an onset-length run
/// went from 14 to 19 at 16 kHz and from 10 to 11 at 8 kHz (the recogniser's minimum confidence still drops those);
/// bridging any one-frame gap instead gave 24 and 14.
/// </para>
/// </summary>
public sealed class VoiceActivityDetector
{
    /// <summary>Consecutive loud frames (with <c>requireVoicing</c>: voiced frames of one pitch) that start speech.</summary>
    public const int OnsetFrames = 2;

    /// <summary>With <c>requireVoicing</c>: the most two consecutive frames' pitch periods may differ (as a fraction of the longer) to count as one voice.</summary>
    public const double PitchContinuity = 0.2;

    /// <summary>
    /// With <c>requireVoicing</c>: a frame whose zero crossings, as a frequency (crossings ÷ 2 per second), are above this
    /// is hiss, not a voiced sound (vowels cross at their formants, up to ~2.5 kHz for a front vowel's second formant;
    /// white noise at a quarter of the sample rate, 4 kHz at 16 kHz).
    /// </summary>
    public const double MaxVoicedCrossingHz = 3000;

    /// <summary>With <c>requireVoicing</c>: loud frames with no voiced frame among them after which loudness stops counting as speech (500 ms).</summary>
    public const int MaxUnvoicedFrames = 25;

    /// <summary>With <c>requireVoicing</c>: the normalised autocorrelation at a pitch lag above which a frame is voiced.</summary>
    public const double VoicingThreshold = 0.6;

    private const int MinPitchHz = 70;
    private const int MaxPitchHz = 400;
    private readonly bool _requireVoicing;
    private int _sinceVoiced = MaxUnvoicedFrames + 1;
    private int _lastLag;
    private short[] _previous = [];
    private bool _havePrevious;
    private const int HangoverFrames = 10;
    private const double DigitalSilenceDbfs = -80;
    private readonly bool _ignoreDigitalSilence;

    private readonly double _marginDb;
    private readonly double _absoluteFloorDb;
    private const int WindowFrames = 150;
    // Pinned heap: as old as the leg, so the young generations would only copy it into gen2 (issue 19).
    private readonly double[] _history = GC.AllocateArray<double>(WindowFrames, pinned: true);
    private int _historyCount;

    /// <summary>The level history (for tests: where it was allocated).</summary>
    internal double[] HistoryStorage => _history;
    private int _historyNext;
    private double _noiseFloorDb = -90;
    private double _windowMin = double.MaxValue;
    private int _loud;
    private int _quiet;

    /// <summary>Creates a detector.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Sensitivity outside 0–100.</exception>
    /// <param name="sensitivity">10–100 (NCCO default 90).</param>
    /// <param name="ignoreDigitalSilence">
    /// Leave frames below −80 dBFS (a muted microphone, the gap a phone leaves after a key tone) out of the noise floor:
    /// let in, they drop the floor to nothing and steady room noise after them looks like speech for 3 s. Speech
    /// inputs set it; silence detection for recordings does not (its floor must follow what the recording hears).
    /// </param>
    /// <param name="requireVoicing">Speech must be voiced (see the remarks); speech inputs set it.</param>
    public VoiceActivityDetector(int sensitivity = 90, bool ignoreDigitalSilence = false, bool requireVoicing = false)
    {
        _ignoreDigitalSilence = ignoreDigitalSilence;
        _requireVoicing = requireVoicing;
        if (sensitivity is < 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(sensitivity), sensitivity, "sensitivity must be 0-100");
        }
        Sensitivity = sensitivity;
        _marginDb = 3 + ((100 - sensitivity) / 4.0);
        _absoluteFloorDb = -60 + (0.3 * (100 - sensitivity));
    }

    /// <summary>The sensitivity in use.</summary>
    public int Sensitivity { get; }

    /// <summary>Whether the last frame was (inside) speech.</summary>
    public bool IsSpeech { get; private set; }

    /// <summary>Current noise-floor estimate in dBFS.</summary>
    public double NoiseFloorDbfs => _noiseFloorDb;

    /// <summary>Level of the last frame in dBFS.</summary>
    public double LastFrameDbfs { get; private set; }

    /// <summary>With <c>requireVoicing</c>: whether the last frame was loud and voiced.</summary>
    public bool LastFrameVoiced { get; private set; }

    /// <summary>
    /// With <c>requireVoicing</c>: how many frames up to the last one were voiced in a row with one pitch (each period within
    /// <see cref="PitchContinuity"/> of the one before); 0 after an unvoiced frame.
    /// </summary>
    public int VoicedRun { get; private set; }

    /// <summary>
    /// A frame known not to be speech (a DTMF key tone): it counts as quiet for onset and hangover but is left out of
    /// the noise floor, so a loud tone neither starts speech nor raises the floor, and no stand-in silence lowers it
    /// (steady room noise after a key would otherwise look like speech for 3 s).
    /// </summary>
    public bool Skip()
    {
        _loud = 0;
        _quiet++;
        _sinceVoiced++;
        VoicedRun = 0;
        _lastLag = 0;
        _havePrevious = false;
        LastFrameVoiced = false;
        if (_quiet > HangoverFrames) IsSpeech = false;
        return IsSpeech;
    }

    /// <summary>Classifies one frame (any length, normally 20 ms) and returns <see cref="IsSpeech"/>.</summary>
    public bool Process(ReadOnlySpan<short> frame)
    {
        var db = Pcm16.RmsDbfs(frame);
        LastFrameDbfs = db;
        var loud = db > _absoluteFloorDb && db > _noiseFloorDb + _marginDb;
        if (_requireVoicing)
        {
            // Pitch over this frame and the one before (40 ms): a 20 ms frame holds two periods only down to 100 Hz, and
            // a low voice would jump between its period and a formant's from frame to frame.
            var window = _havePrevious && _previous.Length == frame.Length ? stackalloc short[frame.Length * 2] : [];
            if (window.Length > 0)
            {
                _previous.CopyTo(window);
                frame.CopyTo(window[frame.Length..]);
            }
            var lag = loud ? PitchLag(window.Length > 0 ? window : frame, frame.Length * 50) : 0;
            if (lag == 0 && loud && window.Length > 0 && _lastLag > 0)
            {
                // A pitch gliding through a vowel change blurs the repeat over 40 ms; the frame alone can still show it
                // (see the remarks). Only at the pitch of the run under way: noise gets no second chance to start a run.
                var local = PitchLag(frame, frame.Length * 50);
                if (local > 0 && SamePitch(local, _lastLag)) lag = local;
            }
            if (_previous.Length != frame.Length) _previous = new short[frame.Length];
            frame.CopyTo(_previous);
            _havePrevious = true;
            LastFrameVoiced = lag > 0;
            VoicedRun = lag == 0 ? 0 : _lastLag > 0 && SamePitch(lag, _lastLag) ? VoicedRun + 1 : 1;
            _lastLag = lag;
            _sinceVoiced = LastFrameVoiced ? 0 : _sinceVoiced + 1;
            // Before speech only a voice holding its pitch starts it; inside it, loud unvoiced frames (consonants) hold
            // it for a while.
            loud = IsSpeech ? loud && _sinceVoiced <= MaxUnvoicedFrames : VoicedRun >= OnsetFrames;
        }
        if (loud)
        {
            _loud++;
            _quiet = 0;
            if (_loud >= OnsetFrames || _requireVoicing)
            {
                IsSpeech = true;
            }
        }
        else
        {
            _loud = 0;
            _quiet++;
            if (_quiet > HangoverFrames)
            {
                IsSpeech = false;
            }
        }
        if (_ignoreDigitalSilence && db < DigitalSilenceDbfs) return IsSpeech;
        // The window's minimum, kept as frames come and go: a full scan only when the frame leaving it held the minimum
        // (a scan of 150 frames on every frame of every leg was most of the detector's time at 1,000 calls, issue 19).
        // The same minimum as a scan every frame (levels are finite: RmsDbfs never returns NaN).
        var full = _historyCount == WindowFrames;
        var leaving = _history[_historyNext];
        _history[_historyNext] = db;
        _historyNext = (_historyNext + 1) % WindowFrames;
        _historyCount = Math.Min(_historyCount + 1, WindowFrames);
        if (!full || leaving > _windowMin)
        {
            _windowMin = Math.Min(_windowMin, db);
        }
        else
        {
            var min = double.MaxValue;
            for (var i = 0; i < _historyCount; i++)
            {
                min = Math.Min(min, _history[i]);
            }
            _windowMin = min;
        }
        _noiseFloorDb = Math.Max(-90, _windowMin + 1);
        return IsSpeech;
    }

    /// <summary>
    /// The pitch period in samples of <paramref name="frame"/> (at <paramref name="rate"/>), or 0 when it is not voiced:
    /// the shortest lag over 70–400 Hz (up to half the window) whose normalised autocorrelation peaks within 10 % of the highest, if that is above
    /// <see cref="VoicingThreshold"/> and the frame does not cross zero as often as hiss (<see cref="MaxVoicedCrossingHz"/>).
    /// </summary>
    private static int PitchLag(ReadOnlySpan<short> frame, int rate)
    {
        var minLag = Math.Max(1, rate / MaxPitchHz);
        var maxLag = Math.Min((frame.Length / 2) - 1, rate / MinPitchHz);
        if (maxLag <= minLag || minLag < 2) return 0;
        var crossings = 0;
        for (var n = 1; n < frame.Length; n++)
        {
            if ((frame[n] >= 0) != (frame[n - 1] >= 0)) crossings++;
        }
        if (crossings * rate / (2.0 * frame.Length) > MaxVoicedCrossingHz) return 0;
        var best = 0.0;
        Span<double> correlation = stackalloc double[maxLag + 2];
        // One lag either side of the range: a pitch is a peak, which low-passed noise (a breath), whose correlation only
        // falls with the lag, never has.
        for (var lag = minLag - 1; lag <= maxLag + 1; lag++)
        {
            double cross = 0, head = 0, tail = 0;
            // Every other sample: half the cost (this runs on the media thread for each loud frame), the same answer
            // for periods of 2.5 ms and more.
            for (var n = 0; n + lag < frame.Length; n += 2)
            {
                double a = frame[n], b = frame[n + lag];
                cross += a * b;
                head += a * a;
                tail += b * b;
            }
            correlation[lag] = head > 0 && tail > 0 ? cross / Math.Sqrt(head * tail) : 0;
        }
        for (var lag = minLag; lag <= maxLag; lag++)
        {
            if (IsPeak(correlation, lag)) best = Math.Max(best, correlation[lag]);
        }
        if (best <= VoicingThreshold) return 0;
        // Twice the period repeats as well as the period: the shortest peak nearly as high as the best is the pitch, so a
        // steady voice gives one period frame after frame instead of jumping between it and its multiples.
        for (var lag = minLag; lag <= maxLag; lag++)
        {
            if (IsPeak(correlation, lag) && correlation[lag] >= 0.9 * best) return lag;
        }
        return 0;
    }

    private static bool SamePitch(int lag, int previous) => Math.Abs(lag - previous) <= PitchContinuity * Math.Max(lag, previous);

    private static bool IsPeak(ReadOnlySpan<double> correlation, int lag) => correlation[lag] > correlation[lag - 1] && correlation[lag] >= correlation[lag + 1];
}
