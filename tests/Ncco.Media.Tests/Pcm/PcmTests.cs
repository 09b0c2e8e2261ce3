using Ncco.Media.Pcm;

namespace Ncco.Media.Tests.Pcm;

public class PcmTests
{
    [Theory]
    [InlineData(8000, 160, 320)]
    [InlineData(16000, 320, 640)]
    [InlineData(24000, 480, 960)]
    public void Frame_sizes_match_the_websocket_protocol(int rate, int samples, int bytes)
    {
        var f = new PcmFormat(rate);
        Assert.Equal(samples, f.SamplesPerFrame);
        Assert.Equal(bytes, f.BytesPerFrame);
        Assert.True(f.IsCallLegFormat);
    }

    [Fact]
    public void Level_maps_linearly_and_saturates()
    {
        Assert.Equal(1f, Gain.FromLevel(0));
        Assert.Equal(0f, Gain.FromLevel(-1));
        Assert.Equal(2f, Gain.FromLevel(1));
        short[] s = [1000, -1000, 20000, -20000];
        Gain.ApplyLevel(s, 1);
        Assert.Equal([2000, -2000, short.MaxValue, short.MinValue], s);
        short[] h = [1000, -1000];
        Gain.ApplyLevel(h, -0.5);
        Assert.Equal([500, -500], h);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Gain.FromLevel(1.5));
        Assert.Equal("level", ex.ParamName);
    }

    [Fact]
    public void Little_endian_bytes_round_trip()
    {
        short[] s = [0, 1, -1, short.MaxValue, short.MinValue];
        var b = new byte[10];
        Pcm16.ToLittleEndianBytes(s, b);
        Assert.Equal(new byte[] { 0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0x80 }, b);
        var back = new short[5];
        Pcm16.FromLittleEndianBytes(b, back);
        Assert.Equal(s, back);
    }

    [Fact]
    public void Buffer_source_loops_and_applies_level()
    {
        var src = new BufferAudioSource(new short[] { 100, 200, 300 }, 8000, loop: 2, level: -0.5);
        var dst = new short[10];
        Assert.Equal(6, src.Read(dst));
        Assert.Equal(new short[] { 50, 100, 150, 50, 100, 150, 0, 0, 0, 0 }, dst);
        Assert.True(src.IsFinished);
        Assert.Equal(0, src.Read(dst));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(45)]
    [InlineData(320)]
    public void MixInto_saturates_every_sample_like_the_scalar_sum(int length)
    {
        var random = new Random(length);
        var source = Enumerable.Range(0, length).Select(_ => (short)random.Next(short.MinValue, short.MaxValue + 1)).ToArray();
        var destination = Enumerable.Range(0, length + 3).Select(_ => (short)random.Next(short.MinValue, short.MaxValue + 1)).ToArray();
        var expected = destination.Select((d, i) => i < length ? (short)Math.Clamp(d + source[i], short.MinValue, short.MaxValue) : d).ToArray();

        Pcm16.MixInto(source, destination);

        Assert.Equal(expected, destination);
    }
}
