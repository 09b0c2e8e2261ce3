using Ncco.Media.G722;

namespace Ncco.Media.Tests.G722;

/// <summary>
/// Issue 19: the QMF delay line keeps every value twice so its window is contiguous, and sums it as vectors where the
/// CPU has them. Both paths must give exactly the sums of the plain definition (window oldest first, even and odd
/// positions weighted by the 24 coefficients, wrapping 32-bit arithmetic) across many wrap-arounds of the line.
/// </summary>
public sealed class G722QmfDelayLineTests
{
    private static readonly int[] Qmf =
    [
        3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876,
        3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3,
    ];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Sums_match_the_sliding_window_definition_on_both_paths(bool vectors)
    {
        var line = new G722QmfDelayLine { UseVectors = vectors };
        var window = new int[24];
        var random = new Random(19);
        for (var n = 0; n < 1000; n++)
        {
            // Full 16-bit range and beyond (the decoder pushes sums of two sub-bands), extremes included.
            var older = n % 97 == 0 ? 65534 : random.Next(-65536, 65536);
            var newer = n % 89 == 0 ? -65536 : random.Next(-65536, 65536);
            Array.Copy(window, 2, window, 0, 22);
            window[22] = older;
            window[23] = newer;
            int even = 0, odd = 0;
            for (var i = 0; i < 24; i += 2)
            {
                even = unchecked(even + (window[i] * Qmf[i]));
                odd = unchecked(odd + (window[i + 1] * Qmf[i + 1]));
            }
            Assert.Equal((even, odd), line.Push(older, newer));
        }
    }
}
