using Ncco.Media.Pcm;

namespace Ncco.Media.Tests.Pcm;

/// <summary><see cref="BufferAudioSource.TrySkip"/> moves on exactly as a read of as many samples would, or not at all.</summary>
public sealed class BufferAudioSourceSkipTests
{
    private static short[] Ramp(int length) => Enumerable.Range(1, length).Select(i => (short)i).ToArray();

    [Theory]
    [InlineData(0, 7)]   // forever
    [InlineData(3, 7)]
    [InlineData(1, 3)]
    [InlineData(2, 320)]
    public void Skipping_then_reading_gives_what_reading_throughout_gives(int loop, int step)
    {
        var samples = Ramp(1000);
        var read = new BufferAudioSource(samples, 16000, loop);
        var skipped = new BufferAudioSource(samples, 16000, loop);
        var expected = new short[step];
        var actual = new short[step];
        for (var i = 0; i < 2000; i++)
        {
            if (i % 3 != 2)
            {
                var moved = skipped.TrySkip(step);
                var n = read.Read(expected);
                // A skip happens exactly when a whole read would have been full; otherwise nothing moved.
                Assert.Equal(n == step, moved);
                if (!moved) Assert.Equal(n, skipped.Read(actual));
            }
            else
            {
                var n = read.Read(expected);
                Assert.Equal(n, skipped.Read(actual));
                Assert.Equal(expected.AsSpan(0, n).ToArray(), actual.AsSpan(0, n).ToArray());
            }
            Assert.Equal(read.Position, skipped.Position);
            Assert.Equal(read.IsFinished, skipped.IsFinished);
        }
        Assert.Equal(loop != 0, read.IsFinished);
    }

    [Fact]
    public void A_skip_longer_than_what_is_left_changes_nothing()
    {
        var source = new BufferAudioSource(Ramp(100), 8000, loop: 1);
        Assert.True(source.TrySkip(60));
        Assert.False(source.TrySkip(41));
        Assert.Equal(60, source.Position);
        Assert.True(source.TrySkip(40));
        Assert.True(source.IsFinished);
        Assert.False(source.TrySkip(1));
        Assert.True(source.TrySkip(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => source.TrySkip(-1));
    }

    [Fact]
    public void Samples_position_and_unity_gain_are_reported()
    {
        var samples = Ramp(10);
        var plain = new BufferAudioSource(samples, 8000);
        var quieter = new BufferAudioSource(samples, 8000, level: -0.5);
        Assert.True(plain.IsUnityGain);
        Assert.False(quieter.IsUnityGain);
        Assert.Equal(samples, plain.Samples.ToArray());
        plain.Read(new short[4]);
        Assert.Equal(4, plain.Position);
    }
}
