namespace Ncco.Media.Amd;

/// <summary>
/// Finds a voicemail beep: one steady sinusoid between 300 and 2500 Hz carrying at least 80 % of the frame power for
/// at least 100 ms (five 20 ms frames, same frequency ±25 Hz). Speech (harmonic-rich) and DTMF (two tones) fail the
/// single-tone share test. Goertzel bank with 25 Hz spacing; allocation-free.
/// </summary>
public sealed class BeepDetector
{
    private const double MinFrequency = 300;
    private const double MaxFrequency = 2500;
    private const double Step = 25;
    private readonly double[] _coefficients;
    private readonly int _frameSamples;
    private int _run;
    private int _lastBin = -10;

    /// <summary>Creates a detector for 20 ms frames at a rate.</summary>
    public BeepDetector(int sampleRate)
    {
        SampleRate = sampleRate;
        _frameSamples = sampleRate / 50;
        var bins = (int)((MaxFrequency - MinFrequency) / Step) + 1;
        _coefficients = new double[bins];
        for (var i = 0; i < bins; i++)
        {
            _coefficients[i] = 2 * Math.Cos(2 * Math.PI * (MinFrequency + (i * Step)) / sampleRate);
        }
    }

    /// <summary>Sample rate.</summary>
    public int SampleRate { get; }

    /// <summary>Frequency of the last beep found, in Hz.</summary>
    public double? Frequency { get; private set; }

    /// <summary>Consumes one 20 ms frame; returns true on the frame where a beep is confirmed.</summary>
    public bool Process(ReadOnlySpan<short> frame)
    {
        var n = Math.Min(frame.Length, _frameSamples);
        double energy = 0;
        for (var i = 0; i < n; i++)
        {
            energy += (double)frame[i] * frame[i];
        }
        var power = energy / n;
        if (power < 100 * 100 / 2.0) // weaker than about −50 dBFS
        {
            _run = 0;
            return false;
        }
        var best = -1;
        var bestPower = 0.0;
        for (var b = 0; b < _coefficients.Length; b++)
        {
            double s1 = 0, s2 = 0;
            var c = _coefficients[b];
            for (var i = 0; i < n; i++)
            {
                var s0 = frame[i] + (c * s1) - s2;
                s2 = s1;
                s1 = s0;
            }
            var p = ((s1 * s1) + (s2 * s2) - (c * s1 * s2)) * 2 / ((double)n * n);
            if (p > bestPower)
            {
                bestPower = p;
                best = b;
            }
        }
        if (bestPower >= 0.8 * power && Math.Abs(best - _lastBin) <= 1)
        {
            _run++;
        }
        else
        {
            _run = bestPower >= 0.8 * power ? 1 : 0;
        }
        _lastBin = best;
        if (_run == 5)
        {
            Frequency = MinFrequency + (best * Step);
            return true;
        }
        return false;
    }
}
