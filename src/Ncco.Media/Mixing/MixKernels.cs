using System.Numerics;

namespace Ncco.Media.Mixing;

/// <summary>
/// The mixer's per-sample loops, <see cref="Vector{T}"/>-wide where the hardware allows (8 or 16 samples a step; the
/// scalar tail handles any frame length). Sums stay in 32 bits and saturate once, when a 16-bit frame is written.
/// </summary>
internal static class MixKernels
{
    /// <summary>acc += input.</summary>
    public static void Accumulate(ReadOnlySpan<short> input, Span<int> acc)
    {
        var n = Math.Min(input.Length, acc.Length);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var w = Vector<int>.Count;
            for (; i + Vector<short>.Count <= n; i += Vector<short>.Count)
            {
                Vector.Widen(new Vector<short>(input[i..]), out var lo, out var hi);
                (new Vector<int>(acc[i..]) + lo).CopyTo(acc[i..]);
                (new Vector<int>(acc[(i + w)..]) + hi).CopyTo(acc[(i + w)..]);
            }
        }
        for (; i < n; i++)
        {
            acc[i] += input[i];
        }
    }

    /// <summary>output = saturate(total).</summary>
    public static void Saturate(ReadOnlySpan<int> total, Span<short> output)
    {
        var n = Math.Min(total.Length, output.Length);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var w = Vector<int>.Count;
            for (; i + Vector<short>.Count <= n; i += Vector<short>.Count)
            {
                Narrow(new Vector<int>(total[i..]), new Vector<int>(total[(i + w)..])).CopyTo(output[i..]);
            }
        }
        for (; i < n; i++)
        {
            output[i] = (short)Math.Clamp(total[i], short.MinValue, short.MaxValue);
        }
    }

    /// <summary>output = saturate(total − own): what a broadcast speaker hears.</summary>
    public static void SaturateDifference(ReadOnlySpan<int> total, ReadOnlySpan<short> own, Span<short> output)
    {
        var n = Math.Min(Math.Min(total.Length, own.Length), output.Length);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var w = Vector<int>.Count;
            for (; i + Vector<short>.Count <= n; i += Vector<short>.Count)
            {
                Vector.Widen(new Vector<short>(own[i..]), out var lo, out var hi);
                Narrow(new Vector<int>(total[i..]) - lo, new Vector<int>(total[(i + w)..]) - hi).CopyTo(output[i..]);
            }
        }
        for (; i < n; i++)
        {
            output[i] = (short)Math.Clamp(total[i] - own[i], short.MinValue, short.MaxValue);
        }
    }

    /// <summary>acc = total − own (no saturation: more is added before the frame is written).</summary>
    public static void Difference(ReadOnlySpan<int> total, ReadOnlySpan<short> own, Span<int> acc)
    {
        total.CopyTo(acc);
        var n = Math.Min(own.Length, acc.Length);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var w = Vector<int>.Count;
            for (; i + Vector<short>.Count <= n; i += Vector<short>.Count)
            {
                Vector.Widen(new Vector<short>(own[i..]), out var lo, out var hi);
                (new Vector<int>(acc[i..]) - lo).CopyTo(acc[i..]);
                (new Vector<int>(acc[(i + w)..]) - hi).CopyTo(acc[(i + w)..]);
            }
        }
        for (; i < n; i++)
        {
            acc[i] -= own[i];
        }
    }

    private static Vector<short> Narrow(Vector<int> lo, Vector<int> hi)
    {
        var min = new Vector<int>(short.MinValue);
        var max = new Vector<int>(short.MaxValue);
        return Vector.Narrow(Vector.Min(Vector.Max(lo, min), max), Vector.Min(Vector.Max(hi, min), max));
    }
}
