namespace Ncco.Media.Dtmf;

/// <summary>
/// Generates in-band DTMF audio for a key string such as a <c>dtmfAnswer</c> (<c>[0-9*#A-Dp]</c>, <c>p</c> = pause).
/// Phase-continuous oscillators with a 2 ms raised-cosine ramp at each edge to avoid clicks (splatter).
/// </summary>
public sealed class DtmfGenerator
{
    private readonly int _sampleRate;
    private readonly DtmfGeneratorOptions _options;

    /// <summary>Creates a generator for a sample rate.</summary>
    public DtmfGenerator(int sampleRate, DtmfGeneratorOptions? options = null)
    {
        new Pcm.PcmFormat(sampleRate).Validate();
        _sampleRate = sampleRate;
        _options = options ?? DtmfGeneratorOptions.Default;
    }

    /// <summary>Samples needed for <paramref name="keys"/>.</summary>
    /// <exception cref="ArgumentException">A character that is not a key or <c>p</c>.</exception>
    public int SamplesFor(string keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var total = 0;
        foreach (var k in keys)
        {
            total += IsPause(k) ? Samples(_options.PauseDuration)
                : DtmfDigits.IsDigit(k) ? Samples(_options.ToneDuration) + Samples(_options.GapDuration)
                : throw new ArgumentException($"'{k}' is not a DTMF key or 'p' pause", nameof(keys));
        }
        return total;
    }

    /// <summary>Generates the whole key string.</summary>
    public short[] Generate(string keys)
    {
        var buffer = new short[SamplesFor(keys)];
        var pos = 0;
        foreach (var k in keys)
        {
            if (IsPause(k))
            {
                pos += Samples(_options.PauseDuration);
                continue;
            }
            var tone = Samples(_options.ToneDuration);
            WriteTone(k, buffer.AsSpan(pos, tone));
            pos += tone + Samples(_options.GapDuration);
        }
        return buffer;
    }

    /// <summary>Writes one key's dual tone filling <paramref name="destination"/> (no gap).</summary>
    public void WriteTone(char key, Span<short> destination) =>
        WriteTone(key, destination, _sampleRate, _options.LowLevelDbfs, _options.HighLevelDbfs, 0);

    /// <summary>
    /// Writes a dual tone with explicit levels and a relative frequency error (e.g. 0.015 = +1.5 %), for tests.
    /// </summary>
    public static void WriteTone(char key, Span<short> destination, int sampleRate, double lowDbfs, double highDbfs, double frequencyError)
    {
        var (low, high) = DtmfDigits.Frequencies(key);
        low *= 1 + frequencyError;
        high *= 1 + frequencyError;
        var aLow = 32767 * Math.Pow(10, lowDbfs / 20);
        var aHigh = 32767 * Math.Pow(10, highDbfs / 20);
        var ramp = Math.Min(sampleRate / 500, destination.Length / 2); // 2 ms
        var wl = 2 * Math.PI * low / sampleRate;
        var wh = 2 * Math.PI * high / sampleRate;
        for (var i = 0; i < destination.Length; i++)
        {
            var env = 1.0;
            var edge = Math.Min(i, destination.Length - 1 - i);
            if (edge < ramp)
            {
                env = 0.5 - (0.5 * Math.Cos(Math.PI * edge / ramp));
            }
            var v = env * ((aLow * Math.Sin(wl * i)) + (aHigh * Math.Sin(wh * i)));
            destination[i] = Pcm.Pcm16.Saturate((float)v);
        }
    }

    private static bool IsPause(char k) => k is 'p' or 'P';

    private int Samples(TimeSpan d) => (int)(d.TotalSeconds * _sampleRate);
}
