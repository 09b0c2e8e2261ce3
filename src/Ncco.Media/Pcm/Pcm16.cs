using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ncco.Media.Pcm;

/// <summary>Conversions and helpers for 16-bit PCM sample spans. All methods are allocation-free.</summary>
public static class Pcm16
{
    /// <summary>Clamps a 32-bit accumulator to the 16-bit range (hard saturation).</summary>
    public static short Saturate(int value) => (short)Math.Clamp(value, short.MinValue, short.MaxValue);

    /// <summary>Rounds and clamps a float sample in 16-bit scale.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per output sample of every resampler: a call each was 2 % of a busy host's CPU
    public static short Saturate(float value)
    {
        var r = MathF.Round(value);
        return r >= short.MaxValue ? short.MaxValue : r <= short.MinValue ? short.MinValue : (short)r;
    }

    /// <summary>Decodes little-endian 16-bit PCM bytes into samples.</summary>
    /// <returns>Number of samples written (bytes / 2).</returns>
    public static int FromLittleEndianBytes(ReadOnlySpan<byte> bytes, Span<short> samples)
    {
        var n = bytes.Length / 2;
        if (samples.Length < n)
        {
            throw new ArgumentException("destination too small", nameof(samples));
        }
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, short>(bytes[..(n * 2)]).CopyTo(samples);
        }
        else
        {
            for (var i = 0; i < n; i++)
            {
                samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(i * 2)..]);
            }
        }
        return n;
    }

    /// <summary>Encodes samples as little-endian 16-bit PCM bytes.</summary>
    /// <returns>Number of bytes written.</returns>
    public static int ToLittleEndianBytes(ReadOnlySpan<short> samples, Span<byte> bytes)
    {
        if (bytes.Length < samples.Length * 2)
        {
            throw new ArgumentException("destination too small", nameof(bytes));
        }
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(samples).CopyTo(bytes);
        }
        else
        {
            for (var i = 0; i < samples.Length; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(bytes[(i * 2)..], samples[i]);
            }
        }
        return samples.Length * 2;
    }

    /// <summary>Root-mean-square level of the samples (0 for an empty span).</summary>
    public static double Rms(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }
        // Integer squares summed exactly in a long (a chain of 1-cycle adds instead of 4-cycle floating-point ones);
        // the same result as summing doubles for any span under 2^53 / 2^30 ≈ 8 million samples, where both are exact.
        long sum = 0;
        foreach (var s in samples)
        {
            sum += s * s;
        }
        return Math.Sqrt((double)sum / samples.Length);
    }

    /// <summary>RMS level in dB relative to a full-scale sine (dBFS; −∞ for silence is returned as −120).</summary>
    public static double RmsDbfs(ReadOnlySpan<short> samples)
    {
        var rms = Rms(samples);
        return rms <= 0 ? -120 : 20 * Math.Log10(rms / (32767 / Math.Sqrt(2)));
    }

    /// <summary>Mixes <paramref name="source"/> into <paramref name="destination"/> with saturation.</summary>
    public static void MixInto(ReadOnlySpan<short> source, Span<short> destination)
    {
        var n = Math.Min(source.Length, destination.Length);
        var i = 0;
        // Saturating 16-bit adds, 16 (AVX2) or 8 (SSE2) samples at a time: the same results as the scalar loop.
        if (Avx2.IsSupported)
        {
            ref var src = ref MemoryMarshal.GetReference(source);
            ref var dst = ref MemoryMarshal.GetReference(destination);
            for (; i + Vector256<short>.Count <= n; i += Vector256<short>.Count)
            {
                var sum = Avx2.AddSaturate(Vector256.LoadUnsafe(ref dst, (nuint)i), Vector256.LoadUnsafe(ref src, (nuint)i));
                sum.StoreUnsafe(ref dst, (nuint)i);
            }
        }
        else if (Sse2.IsSupported)
        {
            ref var src = ref MemoryMarshal.GetReference(source);
            ref var dst = ref MemoryMarshal.GetReference(destination);
            for (; i + Vector128<short>.Count <= n; i += Vector128<short>.Count)
            {
                var sum = Sse2.AddSaturate(Vector128.LoadUnsafe(ref dst, (nuint)i), Vector128.LoadUnsafe(ref src, (nuint)i));
                sum.StoreUnsafe(ref dst, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            destination[i] = Saturate(destination[i] + source[i]);
        }
    }

    /// <summary>Interleaves mono channel buffers into one interleaved buffer.</summary>
    /// <param name="channel">Samples of one channel.</param>
    /// <param name="channelIndex">Which channel they are.</param>
    /// <param name="channels">Channel count of <paramref name="interleaved"/>.</param>
    /// <param name="interleaved">Destination holding <c>channel.Length * channels</c> samples.</param>
    public static void InterleaveChannel(ReadOnlySpan<short> channel, int channelIndex, int channels, Span<short> interleaved)
    {
        for (var i = 0; i < channel.Length; i++)
        {
            interleaved[(i * channels) + channelIndex] = channel[i];
        }
    }
}
