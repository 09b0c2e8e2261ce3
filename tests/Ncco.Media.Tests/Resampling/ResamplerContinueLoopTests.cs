using Ncco.Media.Resampling;

namespace Ncco.Media.Tests.Resampling;

/// <summary>
/// <see cref="Resampler.ContinueLoop"/>: a converter that skipped whole frames of a looping input and was then given the
/// loop's samples before where it resumes produces, from there on, exactly what a converter that filtered every frame does.
/// </summary>
public sealed class ResamplerContinueLoopTests
{
    private static short[] Loop(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(i => (short)((6000 * Math.Sin(i * 0.37)) + random.Next(-4000, 4000))).ToArray();
    }

    private static short[] Frame(short[] loop, int start, int length)
    {
        var frame = new short[length];
        for (var i = 0; i < length; i++) frame[i] = loop[(start + i) % loop.Length];
        return frame;
    }

    [Theory]
    [InlineData(16000, 8000, 320, 10006)] // a G.711 leg's send: 2:1, 20 ms frames, a loop that is no whole number of frames
    [InlineData(16000, 8000, 320, 50)]    // a loop shorter than the filter: its history wraps the loop several times
    [InlineData(8000, 16000, 160, 4001)]
    public void Resuming_after_skipped_frames_matches_filtering_every_frame(int from, int to, int frame, int loopLength)
    {
        var loop = Loop(loopLength, loopLength);
        var design = new Resampler(from, to, 1);
        var every = design.NewStream(frame);
        var resumed = design.NewStream(frame);
        var expected = new short[every.MaxOutputFor(frame)];
        var actual = new short[resumed.MaxOutputFor(frame)];
        var position = 0;
        for (var f = 0; f < 120; f++)
        {
            var start = position;
            var input = Frame(loop, start, frame);
            var n = every.Process(input, expected);
            // Frames 10–39 and 70–99 skipped by the second converter (their output taken from elsewhere).
            var skipping = f is >= 10 and < 40 or >= 70 and < 100;
            position = (position + frame) % loop.Length;
            if (skipping) continue;
            if (f is 40 or 100) resumed.ContinueLoop(loop, start);
            Assert.Equal(n, resumed.Process(input, actual));
            Assert.True(expected.AsSpan(0, n).SequenceEqual(actual.AsSpan(0, n)), $"frame {f} differs");
        }
    }

    [Fact]
    public void The_history_is_the_filter_length_less_one_and_bad_arguments_are_refused()
    {
        var down = new Resampler(16000, 8000, 320);
        Assert.Equal(106, down.HistorySamples);
        Assert.Throws<ArgumentException>(() => down.ContinueLoop([], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => down.ContinueLoop(new short[10], 11));
        Assert.Throws<ArgumentOutOfRangeException>(() => down.ContinueLoop(new short[10], -1));
    }
}
