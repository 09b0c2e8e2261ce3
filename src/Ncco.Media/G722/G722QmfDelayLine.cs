using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Ncco.Media.G722;

/// <summary>
/// The 24-value delay line of a G.722 QMF (transmit or receive) and its two polyphase sums. Every value is stored twice,
/// at <c>i</c> and <c>i + 24</c>, so the 24 newest values are always one contiguous window, oldest first: a new pair
/// costs four stores instead of sliding the whole line, and the sums run over the window as three 8-lane vectors.
/// Integer sums wrap exactly as the scalar loop's did, so the codec's output is unchanged bit for bit.
/// </summary>
internal sealed class G722QmfDelayLine
{
    private const int Taps = 24;
    private readonly int[] _values = new int[2 * Taps];
    private int _oldest; // even; the window is _values[_oldest .. _oldest + Taps)

    /// <summary>Whether the sums run as vectors (where the CPU has them; tests compare both paths).</summary>
    internal bool UseVectors { get; init; } = Vector256.IsHardwareAccelerated;

    /// <summary>
    /// Shifts in <paramref name="older"/> then <paramref name="newer"/> and returns the sums of the window's even and
    /// odd positions (oldest at position 0) weighted by the QMF coefficients.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (int Even, int Odd) Push(int older, int newer)
    {
        // The pair overwrites the two oldest values; the window then starts just after it.
        var at = _oldest;
        ref var line = ref MemoryMarshal.GetArrayDataReference(_values);
        Unsafe.Add(ref line, at) = older;
        Unsafe.Add(ref line, at + Taps) = older;
        Unsafe.Add(ref line, at + 1) = newer;
        Unsafe.Add(ref line, at + Taps + 1) = newer;
        var start = at + 2;
        _oldest = start == Taps ? 0 : start;
        ref var window = ref Unsafe.Add(ref line, start);
        ref var h = ref MemoryMarshal.GetReference(G722Tables.Qmf);
        if (Vector256.IsHardwareAccelerated && UseVectors)
        {
            var products = (Vector256.LoadUnsafe(ref window) * Vector256.LoadUnsafe(ref h))
                + (Vector256.LoadUnsafe(ref window, 8) * Vector256.LoadUnsafe(ref h, 8))
                + (Vector256.LoadUnsafe(ref window, 16) * Vector256.LoadUnsafe(ref h, 16));
            var even = Vector256.Sum(products & Vector256.Create(-1, 0, -1, 0, -1, 0, -1, 0));
            return (even, Vector256.Sum(products) - even);
        }
        int e = 0, o = 0;
        for (var i = 0; i < Taps; i += 2)
        {
            e += Unsafe.Add(ref window, i) * Unsafe.Add(ref h, i);
            o += Unsafe.Add(ref window, i + 1) * Unsafe.Add(ref h, i + 1);
        }
        return (e, o);
    }
}
