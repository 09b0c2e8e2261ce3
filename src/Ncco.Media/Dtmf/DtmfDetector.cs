using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace Ncco.Media.Dtmf;

/// <summary>
/// In-band DTMF detector: Goertzel filters on 12.75 ms blocks (102 samples at 8 kHz, scaled for other rates), each
/// block analysed as two halves so the phase advance between them measures the actual frequency of each tone (this is
/// what lets it reject off-frequency tones that a plain energy detector would accept). Checks per block: tone level,
/// twist, relative peak within each group, share of total power, frequency deviation and amplitude steadiness across
/// the block; a key is confirmed after two consecutive matching blocks and ends after two blocks without it.
/// Allocation-free; not thread-safe (one instance per leg).
/// </summary>
public sealed class DtmfDetector
{
    private const int Tones = 8;
    private readonly int _sampleRate;
    private readonly int _half;
    private readonly int _block;
    private readonly DtmfDetectorOptions _options;
    private readonly double[] _cos2 = new double[Tones];
    private readonly double[] _frequency = new double[Tones];
    private readonly Complex[] _halfRotation = new Complex[Tones];   // e^{-jωH}
    private readonly Complex[] _endRotation = new Complex[Tones];    // e^{-jω(H-1)} * ... for Goertzel → DFT sum
    private readonly Complex[] _eJw = new Complex[Tones];            // e^{-jω}
    private readonly Complex[] _endRotationEJw = new Complex[Tones]; // _endRotation * _eJw, the product HalfResult starts with
    private readonly double[] _s1 = new double[Tones];
    private readonly double[] _s2 = new double[Tones];
    private readonly Complex[] _first = new Complex[Tones];
    private readonly double[] _quarter = new double[4];
    private readonly double _minPower;
    private readonly double _normalTwist;
    private readonly double _reverseTwist;
    private readonly double _relativePeak;

    private int _fill;
    private int _quarterIndex;
    private int _quarterFill;
    private double _energy;
    private long _samples;       // samples consumed in total
    private char _previousCandidate;
    private char _current;       // key currently sounding ('\0' = none)
    private long _currentStart;
    private long _currentLastHitEnd;
    private int _misses;

    /// <summary>Creates a detector for one stream.</summary>
    public DtmfDetector(int sampleRate, DtmfDetectorOptions? options = null)
    {
        new Pcm.PcmFormat(sampleRate).Validate();
        _sampleRate = sampleRate;
        _options = options ?? DtmfDetectorOptions.Default;
        _half = (int)Math.Round(sampleRate * 0.006375);
        _block = _half * 2;
        for (var i = 0; i < Tones; i++)
        {
            var f = i < 4 ? DtmfDigits.RowFrequencies[i] : DtmfDigits.ColumnFrequencies[i - 4];
            var w = 2 * Math.PI * f / sampleRate;
            _frequency[i] = f;
            _cos2[i] = 2 * Math.Cos(w);
            _eJw[i] = Complex.FromPolarCoordinates(1, -w);
            _endRotation[i] = Complex.FromPolarCoordinates(1, -w * (_half - 1));
            _halfRotation[i] = Complex.FromPolarCoordinates(1, -w * _half);
            _endRotationEJw[i] = _endRotation[i] * _eJw[i];
        }
        var amp = 32767 * Math.Pow(10, _options.MinimumToneLevelDbfs / 20);
        _minPower = amp * amp / 2;
        _normalTwist = Math.Pow(10, _options.MaxNormalTwistDb / 10);
        _reverseTwist = Math.Pow(10, _options.MaxReverseTwistDb / 10);
        _relativePeak = Math.Pow(10, _options.RelativePeakDb / 10);
    }

    /// <summary>The key currently sounding, or null.</summary>
    public char? CurrentDigit => _current == '\0' ? null : _current;

    /// <summary>
    /// True while a key sounds or the last block already passed every check for one (one block before a key is
    /// confirmed): what a speech detector uses to leave key tones out of its idea of speech.
    /// </summary>
    public bool ToneSounding => _current != '\0' || _previousCandidate != '\0';

    /// <summary>Whether <see cref="Process"/> runs the filters as vectors (where the CPU has them; tests compare both paths).</summary>
    internal bool UseVectors { get; init; } = Vector256.IsHardwareAccelerated;

    /// <summary>Block length in samples (the detector's time resolution).</summary>
    public int BlockSamples => _block;

    /// <summary>
    /// Consumes samples and writes start/end reports to <paramref name="detections"/> (at most one start and one
    /// end per block; a 20 ms frame yields at most 4 reports).
    /// </summary>
    /// <returns>Number of reports written.</returns>
    public int Process(ReadOnlySpan<short> samples, Span<DtmfDetection> detections)
    {
        if (UseVectors)
        {
            return ProcessVector(samples, detections);
        }
        var written = 0;
        var quarterLen = _half / 2;
        foreach (var sample in samples)
        {
            double x = sample;
            for (var t = 0; t < Tones; t++)
            {
                var s0 = x + (_cos2[t] * _s1[t]) - _s2[t];
                _s2[t] = _s1[t];
                _s1[t] = s0;
            }
            AddEnergy(x, quarterLen);
            written += EndOfSample(detections[written..]);
        }
        return written;
    }

    /// <summary>
    /// <see cref="Process"/> with the eight Goertzel filters as two 4-lane vectors kept in registers between samples
    /// (the filter states go back to the arrays only at half-block boundaries). The same operations in the same
    /// order as the scalar loop (multiply, add, subtract; no fused multiply-add), so the results are identical.
    /// </summary>
    private int ProcessVector(ReadOnlySpan<short> samples, Span<DtmfDetection> detections)
    {
        var written = 0;
        var quarterLen = _half / 2;
        var cosLow = Vector256.Create((ReadOnlySpan<double>)_cos2.AsSpan(0, 4));
        var cosHigh = Vector256.Create((ReadOnlySpan<double>)_cos2.AsSpan(4, 4));
        var s1Low = Vector256.Create((ReadOnlySpan<double>)_s1.AsSpan(0, 4));
        var s1High = Vector256.Create((ReadOnlySpan<double>)_s1.AsSpan(4, 4));
        var s2Low = Vector256.Create((ReadOnlySpan<double>)_s2.AsSpan(0, 4));
        var s2High = Vector256.Create((ReadOnlySpan<double>)_s2.AsSpan(4, 4));
        foreach (var sample in samples)
        {
            double x = sample;
            var xv = Vector256.Create(x);
            var s0Low = Vector256.Subtract(Vector256.Add(xv, Vector256.Multiply(cosLow, s1Low)), s2Low);
            var s0High = Vector256.Subtract(Vector256.Add(xv, Vector256.Multiply(cosHigh, s1High)), s2High);
            s2Low = s1Low;
            s2High = s1High;
            s1Low = s0Low;
            s1High = s0High;
            AddEnergy(x, quarterLen);
            if (_fill == _half || _fill == _block)
            {
                s1Low.CopyTo(_s1.AsSpan(0, 4));
                s1High.CopyTo(_s1.AsSpan(4, 4));
                s2Low.CopyTo(_s2.AsSpan(0, 4));
                s2High.CopyTo(_s2.AsSpan(4, 4));
                written += EndOfSample(detections[written..]);
                s1Low = s1High = s2Low = s2High = Vector256<double>.Zero; // both boundaries restart the filters
            }
        }
        s1Low.CopyTo(_s1.AsSpan(0, 4));
        s1High.CopyTo(_s1.AsSpan(4, 4));
        s2Low.CopyTo(_s2.AsSpan(0, 4));
        s2High.CopyTo(_s2.AsSpan(4, 4));
        return written;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per sample, inside the filter loop
    private void AddEnergy(double x, int quarterLen)
    {
        var e = x * x;
        _energy += e;
        // The quarter is min(3, fill / quarterLen), counted rather than divided for every sample.
        _quarter[_quarterIndex] += e;
        _fill++;
        if (++_quarterFill == quarterLen && _quarterIndex < 3)
        {
            _quarterIndex++;
            _quarterFill = 0;
        }
    }

    /// <summary>At a half-block boundary keeps the first half's sums; at a block boundary evaluates the block.</summary>
    private int EndOfSample(Span<DtmfDetection> detections)
    {
        if (_fill == _half)
        {
            for (var t = 0; t < Tones; t++)
            {
                _first[t] = HalfResult(t);
                _s1[t] = 0;
                _s2[t] = 0;
            }
        }
        else if (_fill == _block)
        {
            _samples += _block;
            var written = EvaluateBlock(detections);
            _fill = 0;
            _quarterIndex = 0;
            _quarterFill = 0;
            _energy = 0;
            Array.Clear(_quarter);
            Array.Clear(_s1);
            Array.Clear(_s2);
            return written;
        }
        return 0;
    }

    /// <summary>Ends any key in progress (call at end of stream) and reports it.</summary>
    public int Flush(Span<DtmfDetection> detections)
    {
        if (_current == '\0')
        {
            return 0;
        }
        detections[0] = End();
        return 1;
    }

    /// <summary>DFT sum Σ x[n]e^{-jωn} over the half block just finished.</summary>
    private Complex HalfResult(int t) => _endRotation[t] * new Complex(_s1[t], 0) - (_endRotationEJw[t] * _s2[t]);

    private int EvaluateBlock(Span<DtmfDetection> detections)
    {
        var candidate = Classify();
        var written = 0;
        if (candidate != '\0' && candidate == _previousCandidate)
        {
            if (_current != candidate)
            {
                if (_current != '\0')
                {
                    detections[written++] = End();
                }
                _current = candidate;
                _currentStart = _samples - (2 * _block);
                detections[written++] = new DtmfDetection(candidate, false, _currentStart, 0);
            }
            _currentLastHitEnd = _samples;
            _misses = 0;
        }
        else if (_current != '\0' && candidate != _current)
        {
            if (++_misses >= 2)
            {
                detections[written++] = End();
            }
        }
        else if (_current != '\0')
        {
            _currentLastHitEnd = _samples;
            _misses = 0;
        }
        _previousCandidate = candidate;
        return written;
    }

    private DtmfDetection End()
    {
        var d = new DtmfDetection(_current, true, _currentStart, (int)((_currentLastHitEnd - _currentStart) * 1000 / _sampleRate));
        _current = '\0';
        _misses = 0;
        return d;
    }

    /// <summary>Phase advance between the halves, relative to the bin frequency = 2π (f − f_k) H / fs, in Hz.</summary>
    private double OffsetHz(int t, Complex aligned) => (aligned * Complex.Conjugate(_first[t])).Phase * _sampleRate / (2 * Math.PI * _half);

    private char Classify()
    {
        // No tone of a block can carry more than twice its mean power (|Σ x e^{-jωn}|² ≤ N Σ x², Cauchy–Schwarz), so a
        // block too quiet for the weakest accepted tone is no key, without its eight DFT sums (most of a call's quiet
        // blocks). Half the bound, so rounding in the sums can never make this disagree with the test below.
        if (2 * _energy / _block < 0.5 * _minPower)
        {
            return '\0';
        }
        Span<double> power = stackalloc double[Tones];
        Span<Complex> aligned = stackalloc Complex[Tones];
        var norm = 2.0 / ((double)_block * _block);
        for (var t = 0; t < Tones; t++)
        {
            var second = HalfResult(t);
            aligned[t] = _halfRotation[t] * second;
            var full = _first[t] + aligned[t];
            // re² + im² rather than Complex.Magnitude squared (a Math.Hypot per tone, most of this method's time): the
            // two differ by a few units in the last place, so every decision below that is that close to its threshold
            // is taken again with the Hypot powers (Decide), and the keys are those of the Hypot powers throughout.
            power[t] = ((full.Real * full.Real) + (full.Imaginary * full.Imaginary)) * norm;
        }
        var candidate = ExactPowers ? Close : Decide(power, aligned, exact: false);
        if (candidate != Close)
        {
            return candidate;
        }
        ExactFallbacks++;
        for (var t = 0; t < Tones; t++)
        {
            var magnitude = (_first[t] + aligned[t]).Magnitude;
            power[t] = magnitude * magnitude * norm;
        }
        return Decide(power, aligned, exact: true);
    }

    /// <summary>What <see cref="Decide"/> returns when a comparison was too close to call on the fast powers.</summary>
    private const char Close = '\uffff';

    /// <summary>Relative distance under which two sides of a comparison are "too close" on the fast powers (they are within ~1e-15 of the Hypot ones).</summary>
    private const double CloseTolerance = 1e-9;

    /// <summary>For tests: always decide on the Hypot powers (the behaviour before the fast powers).</summary>
    internal bool ExactPowers { get; init; }

    /// <summary>Blocks whose decision was taken again on the Hypot powers (for tests).</summary>
    internal long ExactFallbacks { get; private set; }

    private static bool Near(double a, double b) => Math.Abs(a - b) <= CloseTolerance * Math.Max(Math.Abs(a), Math.Abs(b));

    /// <summary>The key of a block from its tone powers; with <paramref name="exact"/> false, <see cref="Close"/> as soon as
    /// a comparison is within <see cref="CloseTolerance"/> of its threshold.</summary>
    private char Decide(ReadOnlySpan<double> power, ReadOnlySpan<Complex> aligned, bool exact)
    {
        var row = ArgMax(power[..4], exact, out var close);
        var col = 4 + ArgMax(power[4..], exact, out var closeCol);
        // The strongest row and column powers are the same values whichever of two near-equal tones ArgMax picked, so a
        // block too weak for a key (most blocks of speech and noise) is no key before a near tie could ask for Hypot.
        var pr = power[row];
        var pc = power[col];
        if (!exact && (Near(pr, _minPower) || Near(pc, _minPower)))
        {
            return Close;
        }
        if (pr < _minPower || pc < _minPower)
        {
            return '\0';
        }
        if (close || closeCol)
        {
            return Close;
        }
        if (!exact && (Near(pc, pr * _normalTwist) || Near(pr, pc * _reverseTwist)))
        {
            return Close;
        }
        if (pc > pr * _normalTwist || pr > pc * _reverseTwist)
        {
            return '\0';
        }
        for (var t = 0; t < 4; t++)
        {
            if (!exact && ((t != row && Near(power[t] * _relativePeak, pr)) || (t + 4 != col && Near(power[t + 4] * _relativePeak, pc))))
            {
                return Close;
            }
            if (t != row && power[t] * _relativePeak > pr)
            {
                return '\0';
            }
            if (t + 4 != col && power[t + 4] * _relativePeak > pc)
            {
                return '\0';
            }
        }
        var blockPower = _energy / _block;
        if (!exact && Near(pr + pc, _options.MinimumToneToTotalRatio * blockPower))
        {
            return Close;
        }
        if (pr + pc < _options.MinimumToneToTotalRatio * blockPower)
        {
            return '\0';
        }
        // Only now the two candidate tones' frequencies (an atan2 each): most blocks, silence and speech, never get here.
        if (Math.Abs(OffsetHz(row, aligned[row])) > _options.MaxFrequencyDeviation * _frequency[row]
            || Math.Abs(OffsetHz(col, aligned[col])) > _options.MaxFrequencyDeviation * _frequency[col])
        {
            return '\0';
        }
        var qmax = Math.Max(Math.Max(_quarter[0], _quarter[1]), Math.Max(_quarter[2], _quarter[3]));
        var qmin = Math.Min(Math.Min(_quarter[0], _quarter[1]), Math.Min(_quarter[2], _quarter[3]));
        if (qmin < 0.5 * qmax)
        {
            return '\0'; // tone does not fill the block: edge of a burst or unsteady (speech)
        }
        return DtmfDigits.At(row, col - 4);
    }

    private static int ArgMax(ReadOnlySpan<double> values, bool exact, out bool close)
    {
        var best = 0;
        close = false;
        for (var i = 1; i < values.Length; i++)
        {
            close |= !exact && Near(values[i], values[best]);
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
