using static Ncco.Media.G722.G722Tables;

namespace Ncco.Media.Tests.G722;

/// <summary>
/// The G.722 QMF window by its plain definition, the oracle for the library's delay line: 24 values oldest first,
/// each push slides it by two, and the even and odd positions are weighted by the 24 coefficients in wrapping 32-bit
/// arithmetic.
/// </summary>
internal sealed class QmfSlidingWindow
{
    private readonly int[] _window = new int[24];

    /// <summary>Slides in <paramref name="older"/> then <paramref name="newer"/> and returns the two weighted sums.</summary>
    public (int Even, int Odd) Push(int older, int newer)
    {
        Array.Copy(_window, 2, _window, 0, 22);
        _window[22] = older;
        _window[23] = newer;
        int even = 0, odd = 0;
        for (var i = 0; i < 24; i += 2)
        {
            even = unchecked(even + (_window[i] * Qmf[i]));
            odd = unchecked(odd + (_window[i + 1] * Qmf[i + 1]));
        }
        return (even, odd);
    }
}
