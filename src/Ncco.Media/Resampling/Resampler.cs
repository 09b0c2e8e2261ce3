using System.Numerics;
using System.Runtime.InteropServices;
using Ncco.Media.Pcm;

namespace Ncco.Media.Resampling;

/// <summary>
/// Streaming polyphase windowed-sinc sample-rate converter for mono 16-bit PCM between any two rates with a
/// rational ratio (8, 16, 22.05, 24, 44.1, 48 kHz and others). Kaiser window (β = 8.6, ≈ 85 dB stop band),
/// cut-off at 92 % of the lower Nyquist frequency, 24 zero crossings each side. State carries over between calls so a
/// stream can be converted frame by frame; <see cref="Process"/> does not allocate once the input block size is stable.
/// Not thread-safe: one instance per stream.
/// </summary>
public sealed class Resampler
{
    private const int ZeroCrossings = 24;
    private const double Rolloff = 0.92;
    private const double KaiserBeta = 8.6;

    private readonly int _up;     // L
    private readonly int _down;   // M
    private readonly int _taps;   // taps per phase (K)
    private readonly float[] _coefficients; // [phase * K + j], time-reversed per phase for a forward dot product
    private float[] _history;     // last K-1 input samples followed by the current block
    private readonly int _delay;
    private readonly int _startOffset;
    private long _phaseAccumulator; // position of the next output, in units of 1/L input samples, relative to history start

    /// <summary>Creates a converter from <paramref name="inputRate"/> to <paramref name="outputRate"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate outside 1000–384000 Hz.</exception>
    public Resampler(int inputRate, int outputRate)
        : this(inputRate, outputRate, DefaultBlockSamples)
    {
    }

    /// <summary>
    /// Creates a converter whose input comes in blocks of about <paramref name="blockSamples"/> samples (a 20 ms frame of
    /// a call: 160 at 8 kHz). Its history is sized for that block instead of for 1,024 samples, which matters with one
    /// converter per direction per call; a larger block still works (the history grows once).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate outside 1000–384000 Hz, or a block under 1 sample.</exception>
    public Resampler(int inputRate, int outputRate, int blockSamples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSamples, 1);
        if (inputRate is < 1000 or > 384000)
        {
            throw new ArgumentOutOfRangeException(nameof(inputRate), inputRate, "rate must be 1000–384000 Hz");
        }
        if (outputRate is < 1000 or > 384000)
        {
            throw new ArgumentOutOfRangeException(nameof(outputRate), outputRate, "rate must be 1000–384000 Hz");
        }
        InputRate = inputRate;
        OutputRate = outputRate;
        var g = Gcd(inputRate, outputRate);
        _up = outputRate / g;
        _down = inputRate / g;
        if (_up == 1 && _down == 1)
        {
            _taps = 1;
            _coefficients = [1f];
        }
        else
        {
            (_coefficients, _taps, var center) = Design(_up, _down);
            // Start so that output n is the input at time (n - delay) * M / L exactly, with an integer delay.
            _delay = center / _down;
            _startOffset = center % _down;
        }
        _history = new float[_taps - 1 + blockSamples];
        _phaseAccumulator = ((long)(_taps - 1) * _up) + _startOffset;
    }

    private const int DefaultBlockSamples = 1024;

    /// <summary>
    /// A converter for another stream at the same rates: fresh state, sharing this one's filter (which is immutable).
    /// Designing the filter is the costly part of construction (about a millisecond for 22.05 → 8 kHz, thousands of taps),
    /// so a source that starts many short streams at one pair of rates keeps one converter and takes new ones from it.
    /// </summary>
    public Resampler NewStream() => new(this, DefaultBlockSamples);

    /// <summary>
    /// <see cref="NewStream()"/> for input in blocks of about <paramref name="blockSamples"/> samples (see
    /// <see cref="Resampler(int, int, int)"/>): one call leg's converter, sharing the filter with every other leg's.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A block under 1 sample.</exception>
    public Resampler NewStream(int blockSamples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSamples, 1);
        return new(this, blockSamples);
    }

    private Resampler(Resampler design, int blockSamples)
    {
        InputRate = design.InputRate;
        OutputRate = design.OutputRate;
        _up = design._up;
        _down = design._down;
        _taps = design._taps;
        _coefficients = design._coefficients;
        _delay = design._delay;
        _startOffset = design._startOffset;
        _history = new float[_taps - 1 + blockSamples];
        _phaseAccumulator = ((long)(_taps - 1) * _up) + _startOffset;
    }

    /// <summary>Input sample rate in Hz.</summary>
    public int InputRate { get; }

    /// <summary>Output sample rate in Hz.</summary>
    public int OutputRate { get; }

    /// <summary>Group delay of the filter in output samples (the converter's latency).</summary>
    public int DelayOutputSamples => _delay;

    /// <summary>Upper bound on output samples produced for <paramref name="inputSamples"/> input samples.</summary>
    public int MaxOutputFor(int inputSamples) => (int)(((long)inputSamples * _up / _down) + 2);

    /// <summary>
    /// Converts one block. Output length varies by at most one sample between calls when the ratio is not an integer.
    /// </summary>
    /// <returns>Samples written to <paramref name="output"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="output"/> shorter than <see cref="MaxOutputFor"/>.</exception>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        if (_up == 1 && _down == 1)
        {
            input.CopyTo(output);
            return input.Length;
        }
        if (output.Length < MaxOutputFor(input.Length))
        {
            throw new ArgumentException($"output must hold at least {MaxOutputFor(input.Length)} samples", nameof(output));
        }
        var keep = _taps - 1;
        var needed = keep + input.Length;
        if (_history.Length < needed)
        {
            var bigger = new float[needed];
            _history.AsSpan(0, keep).CopyTo(bigger);
            _history = bigger;
        }
        var hist = _history.AsSpan(0, needed);
        for (var i = 0; i < input.Length; i++)
        {
            hist[keep + i] = input[i];
        }

        var produced = 0;
        var limit = (long)needed * _up; // output positions strictly before this can be computed
        var acc = _phaseAccumulator;
        var coeffs = _coefficients.AsSpan();
        if (_up == 1)
        {
            // Pure decimation (16 → 8 kHz: what every G.711 leg sends): one phase, and the newest input sample is the
            // accumulator itself — no 64-bit division and remainder per output sample. The same filter and dot product.
            var c1 = coeffs[.._taps];
            while (acc < limit)
            {
                output[produced++] = Pcm16.Saturate(Dot(c1, hist.Slice((int)acc - keep, _taps)));
                acc += _down;
            }
        }
        while (acc < limit)
        {
            var index = (int)(acc / _up);     // newest input sample used
            var phase = (int)(acc % _up);
            var window = hist.Slice(index - keep, _taps);
            var c = coeffs.Slice(phase * _taps, _taps);
            output[produced++] = Pcm16.Saturate(Dot(c, window));
            acc += _down;
        }
        // Slide: keep the last K-1 samples.
        hist.Slice(input.Length, keep).CopyTo(hist);
        _phaseAccumulator = acc - ((long)input.Length * _up);
        return produced;
    }

    /// <summary>Input samples of history each output depends on besides the newest (the filter's length less one).</summary>
    public int HistorySamples => _taps - 1;

    /// <summary>
    /// Sets the history as if the input so far had been <paramref name="loop"/> played round and round up to
    /// <paramref name="position"/> (exclusive): for a stream whose converted output was taken from elsewhere for a while
    /// (a prompt converted once for every call) and that now goes on through this converter. Only the history changes,
    /// so the input skipped must have been a whole number of the ratio's input periods (an even count for 2:1, as whole
    /// 20 ms frames are), which leaves the filter's phase where it was.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="loop"/> empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="position"/> outside 0…loop length.</exception>
    public void ContinueLoop(ReadOnlySpan<short> loop, int position)
    {
        if (loop.IsEmpty) throw new ArgumentException("loop must hold at least one sample", nameof(loop));
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(position, loop.Length);
        var j = position;
        for (var i = _taps - 2; i >= 0; i--)
        {
            j = j == 0 ? loop.Length - 1 : j - 1;
            _history[i] = loop[j];
        }
    }

    /// <summary>Forgets the stream history (as after construction).</summary>
    public void Reset()
    {
        Array.Clear(_history);
        _phaseAccumulator = ((long)(_taps - 1) * _up) + _startOffset;
    }

    /// <summary>Converts a whole buffer in one go (convenience for files and tests; allocates the result).</summary>
    public static short[] Convert(ReadOnlySpan<short> input, int inputRate, int outputRate)
    {
        if (inputRate == outputRate)
        {
            return input.ToArray();
        }
        var r = new Resampler(inputRate, outputRate);
        // Feed a tail of zeros so the filter delay is flushed, then drop the leading delay.
        var delay = r.DelayOutputSamples;
        var padded = new short[input.Length + (r._taps * 2)];
        input.CopyTo(padded);
        var output = new short[r.MaxOutputFor(padded.Length)];
        var n = r.Process(padded, output);
        var expected = (int)((long)input.Length * outputRate / inputRate);
        var count = Math.Min(expected, n - delay);
        return output.AsSpan(delay, Math.Max(0, count)).ToArray();
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0f;
        var i = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= Vector<float>.Count)
        {
            var va = MemoryMarshal.Cast<float, Vector<float>>(a);
            var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
            // Four independent accumulators: one would make every multiply-add wait for the previous one (a filter
            // of ~100 taps is a chain of ~13 dependent adds per output sample), four keep the vector units busy.
            var acc0 = Vector<float>.Zero;
            var acc1 = Vector<float>.Zero;
            var acc2 = Vector<float>.Zero;
            var acc3 = Vector<float>.Zero;
            var v = 0;
            for (; v + 4 <= va.Length; v += 4)
            {
                acc0 += va[v] * vb[v];
                acc1 += va[v + 1] * vb[v + 1];
                acc2 += va[v + 2] * vb[v + 2];
                acc3 += va[v + 3] * vb[v + 3];
            }
            for (; v < va.Length; v++)
            {
                acc0 += va[v] * vb[v];
            }
            sum = Vector.Sum((acc0 + acc1) + (acc2 + acc3));
            i = va.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static (float[] Coefficients, int Taps, int Center) Design(int up, int down)
    {
        var maxRatio = Math.Max(up, down);
        // Cut-off in cycles per sample at the up-sampled rate.
        var fc = 0.5 * Rolloff / maxRatio;
        var halfLength = (int)Math.Ceiling(ZeroCrossings / (2 * fc));
        var taps = (int)Math.Ceiling(((2.0 * halfLength) + 1) / up);
        var length = taps * up;
        double center = halfLength; // integer centre; the tail beyond 2*halfLength is zero padding
        var prototype = new double[length];
        var i0Beta = BesselI0(KaiserBeta);
        for (var n = 0; n < length; n++)
        {
            var t = n - center;
            var sinc = t == 0 ? 2 * fc : Math.Sin(2 * Math.PI * fc * t) / (Math.PI * t);
            var ratio = t / (center + 1);
            var w = Math.Abs(ratio) >= 1 || n > 2 * halfLength ? 0 : BesselI0(KaiserBeta * Math.Sqrt(1 - (ratio * ratio))) / i0Beta;
            prototype[n] = sinc * w * up;
        }
        var coefficients = new float[length];
        for (var phase = 0; phase < up; phase++)
        {
            for (var k = 0; k < taps; k++)
            {
                // y[n] = sum_k h[k*L + phase] * x[i - k]; store reversed so window[j] pairs with c[j].
                coefficients[(phase * taps) + (taps - 1 - k)] = (float)prototype[(k * up) + phase];
            }
        }
        return (coefficients, taps, halfLength);
    }

    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, half = x / 2;
        for (var k = 1; k < 64; k++)
        {
            term *= half / k;
            var t2 = term * term;
            sum += t2;
            if (t2 < sum * 1e-17)
            {
                break;
            }
        }
        return sum;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }
}
