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
/// only for loud frames.
/// </para>
/// </summary>
public sealed class VoiceActivityDetector
{
    private const int OnsetFrames = 2;

    /// <summary>With <c>requireVoicing</c>: loud frames with no voiced frame among them after which loudness stops counting as speech (500 ms).</summary>
    public const int MaxUnvoicedFrames = 25;

    /// <summary>With <c>requireVoicing</c>: the normalised autocorrelation at a pitch lag above which a frame is voiced.</summary>
    public const double VoicingThreshold = 0.6;

    private const int MinPitchHz = 70;
    private const int MaxPitchHz = 400;
    private readonly bool _requireVoicing;
    private int _sinceVoiced = MaxUnvoicedFrames + 1;
    private const int HangoverFrames = 10;
    private const double DigitalSilenceDbfs = -80;
    private readonly bool _ignoreDigitalSilence;

    private readonly double _marginDb;
    private readonly double _absoluteFloorDb;
    private const int WindowFrames = 150;
    private readonly double[] _history = new double[WindowFrames];
    private int _historyCount;
    private int _historyNext;
    private double _noiseFloorDb = -90;
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
    /// A frame known not to be speech (a DTMF key tone): it counts as quiet for onset and hangover but is left out of
    /// the noise floor, so a loud tone neither starts speech nor raises the floor, and no stand-in silence lowers it
    /// (steady room noise after a key would otherwise look like speech for 3 s).
    /// </summary>
    public bool Skip()
    {
        _loud = 0;
        _quiet++;
        _sinceVoiced++;
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
            LastFrameVoiced = loud && IsVoiced(frame);
            _sinceVoiced = LastFrameVoiced ? 0 : _sinceVoiced + 1;
            // Before speech only voiced frames start it; inside it, loud unvoiced frames (consonants) hold it for a while.
            loud = IsSpeech ? loud && _sinceVoiced <= MaxUnvoicedFrames : LastFrameVoiced;
        }
        if (loud)
        {
            _loud++;
            _quiet = 0;
            if (_loud >= OnsetFrames)
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
        _history[_historyNext] = db;
        _historyNext = (_historyNext + 1) % WindowFrames;
        _historyCount = Math.Min(_historyCount + 1, WindowFrames);
        var min = double.MaxValue;
        for (var i = 0; i < _historyCount; i++)
        {
            min = Math.Min(min, _history[i]);
        }
        _noiseFloorDb = Math.Max(-90, min + 1);
        return IsSpeech;
    }

    /// <summary>
    /// Whether the frame repeats at a pitch period: the peak over lags of 70–400 Hz (the frame is 20 ms, so its rate is
    /// 50 × its length) of the normalised autocorrelation, above <see cref="VoicingThreshold"/>.
    /// </summary>
    private static bool IsVoiced(ReadOnlySpan<short> frame)
    {
        var rate = frame.Length * 50;
        var minLag = Math.Max(1, rate / MaxPitchHz);
        var maxLag = Math.Min(frame.Length / 2, rate / MinPitchHz);
        if (maxLag <= minLag) return false;
        for (var lag = minLag; lag <= maxLag; lag++)
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
            if (head > 0 && tail > 0 && cross / Math.Sqrt(head * tail) > VoicingThreshold) return true;
        }
        return false;
    }
}
