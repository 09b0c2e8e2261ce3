using Ncco.Media.Pcm;

namespace Ncco.Media.Tests.Support;

/// <summary>Small signal-analysis helpers for assertions.</summary>
internal static class Signals
{
    public static short[] Sine(double frequency, int rate, int samples, double amplitude = 10000, double phase = 0)
    {
        var s = new short[samples];
        for (var i = 0; i < samples; i++)
        {
            s[i] = (short)Math.Round(amplitude * Math.Sin((2 * Math.PI * frequency * i / rate) + phase));
        }
        return s;
    }

    /// <summary>Power of one frequency component (Goertzel over the whole span), as amplitude.</summary>
    public static double ToneAmplitude(ReadOnlySpan<short> x, double frequency, int rate)
    {
        var w = 2 * Math.PI * frequency / rate;
        double re = 0, im = 0;
        for (var i = 0; i < x.Length; i++)
        {
            re += x[i] * Math.Cos(w * i);
            im -= x[i] * Math.Sin(w * i);
        }
        return 2 * Math.Sqrt((re * re) + (im * im)) / x.Length;
    }

    public static double Rms(ReadOnlySpan<short> x) => Pcm16.Rms(x);

    public static double Db(double ratio) => 20 * Math.Log10(Math.Max(ratio, 1e-12));
}
