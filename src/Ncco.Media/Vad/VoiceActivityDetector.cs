using Ncco.Media.Pcm;

namespace Ncco.Media.Vad;

/// <summary>
/// Energy voice-activity detector with a minimum-statistics noise floor (lowest frame level over the last 3 s, plus
/// 1 dB; key-tone frames passed to <see cref="Skip"/> are left out), run on 20 ms frames. <c>sensitivity</c> (10–100, NCCO
/// default 90) sets how far above the noise floor and above an absolute floor a frame must be to count as speech:
/// margin = 3 + (100 − s)/4 dB, floor = −60 + 0.3·(100 − s) dBFS. Speech starts after 2 loud frames (40 ms) and is held
/// for 200 ms after the last loud frame. Allocation-free; one instance per stream.
/// </summary>
public sealed class VoiceActivityDetector
{
    private const int OnsetFrames = 2;
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
    public VoiceActivityDetector(int sensitivity = 90, bool ignoreDigitalSilence = false)
    {
        _ignoreDigitalSilence = ignoreDigitalSilence;
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

    /// <summary>
    /// A frame known not to be speech (a DTMF key tone): it counts as quiet for onset and hangover but is left out of
    /// the noise floor, so a loud tone neither starts speech nor raises the floor, and no stand-in silence lowers it
    /// (steady room noise after a key would otherwise look like speech for 3 s).
    /// </summary>
    public bool Skip()
    {
        _loud = 0;
        _quiet++;
        if (_quiet > HangoverFrames) IsSpeech = false;
        return IsSpeech;
    }

    /// <summary>Classifies one frame (any length, normally 20 ms) and returns <see cref="IsSpeech"/>.</summary>
    public bool Process(ReadOnlySpan<short> frame)
    {
        var db = Pcm16.RmsDbfs(frame);
        LastFrameDbfs = db;
        var loud = db > _absoluteFloorDb && db > _noiseFloorDb + _marginDb;
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
}
