using Ncco.Media.G722;

namespace Ncco.Media.Tests.G722;

/// <summary>
/// Issue 19: the QMF delay line keeps every value twice so its window is contiguous, and sums it as vectors where the
/// CPU has them. Both paths must give exactly the sums of the plain definition (window oldest first, even and odd
/// positions weighted by the 24 coefficients, wrapping 32-bit arithmetic) across many wrap-arounds of the line.
/// </summary>
public sealed class G722QmfDelayLineTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Sums_match_the_sliding_window_definition_on_both_paths(bool vectors)
    {
        var line = new G722QmfDelayLine { UseVectors = vectors };
        var window = new QmfSlidingWindow();
        var random = new Random(19);
        for (var n = 0; n < 1000; n++)
        {
            // Full 16-bit range and beyond (the decoder pushes sums of two sub-bands), extremes included.
            var older = n % 97 == 0 ? 65534 : random.Next(-65536, 65536);
            var newer = n % 89 == 0 ? -65536 : random.Next(-65536, 65536);
            Assert.Equal(window.Push(older, newer), line.Push(older, newer));
        }
    }
}
