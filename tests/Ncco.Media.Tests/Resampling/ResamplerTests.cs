using Ncco.Media.Resampling;
using Ncco.Media.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Media.Tests.Resampling;

public class ResamplerTests
{
    public static TheoryData<int, int> Pairs()
    {
        int[] rates = [8000, 16000, 22050, 24000, 44100, 48000];
        var data = new TheoryData<int, int>();
        foreach (var a in rates)
        {
            foreach (var b in rates)
            {
                if (a != b)
                {
                    data.Add(a, b);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void In_band_tone_keeps_frequency_and_level_and_out_of_band_tone_is_removed(int from, int to)
    {
        var lowNyquist = Math.Min(from, to) / 2.0;
        // In band: 1 kHz passes at unity gain.
        var x = Signals.Sine(1000, from, from / 2, 10000);
        var y = ConvertInFrames(x, from, to);
        var steady = y.AsSpan(y.Length / 4, y.Length / 2);
        Assert.InRange(Signals.ToneAmplitude(steady, 1000, to), 9800, 10200);

        if (to < from)
        {
            // Aliasing: a tone above the output Nyquist must not fold back audibly.
            var f = Math.Min(lowNyquist * 1.15, (from / 2.0) - 500);
            var alias = ConvertInFrames(Signals.Sine(f, from, from / 2, 10000), from, to);
            var residual = Signals.Rms(alias.AsSpan(alias.Length / 4, alias.Length / 2));
            Assert.True(Signals.Db(residual / 7071) < -60, $"{f:F0} Hz alias at {Signals.Db(residual / 7071):F1} dB");
        }
        else
        {
            // Imaging: up-sampled tone has no energy near the mirror frequency.
            var image = (2 * lowNyquist) - 1000;
            Assert.True(Signals.Db(Signals.ToneAmplitude(steady, image, to) / 10000) < -60);
        }
    }

    [Fact]
    public void Streaming_in_20ms_frames_equals_block_conversion()
    {
        var x = Signals.Sine(440, 8000, 8000);
        var whole = new Resampler(8000, 16000);
        var a = new short[whole.MaxOutputFor(x.Length)];
        var na = whole.Process(x, a);
        var b = ConvertInFrames(x, 8000, 16000);
        Assert.Equal(na, b.Length);
        Assert.Equal(a.AsSpan(0, na).ToArray(), b);
    }

    [Fact]
    public void A_converter_sized_for_a_block_gives_the_same_output_and_still_takes_larger_blocks()
    {
        var x = Signals.Sine(440, 8000, 8000);
        var sized = new Resampler(8000, 16000, blockSamples: 160);
        var standard = new Resampler(8000, 16000);
        var a = new short[sized.MaxOutputFor(1000)];
        var b = new short[standard.MaxOutputFor(1000)];
        // 20 ms frames, then one block far larger than the size given (the history grows rather than failing).
        foreach (var (start, length) in new[] { (0, 160), (160, 160), (320, 1000), (1320, 160) })
        {
            var n = sized.Process(x.AsSpan(start, length), a);
            Assert.Equal(standard.Process(x.AsSpan(start, length), b), n);
            Assert.Equal(b.AsSpan(0, n).ToArray(), a.AsSpan(0, n).ToArray());
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new Resampler(8000, 16000, blockSamples: 0));
    }

    [Fact]
    public void A_new_stream_shares_the_filter_but_not_the_state()
    {
        var x = Signals.Sine(440, 22050, 22050);
        var design = new Resampler(22050, 8000);
        var used = new short[design.MaxOutputFor(x.Length)];
        design.Process(x, used); // the design's own history must not leak into its new streams
        var fresh = new Resampler(22050, 8000);
        var expected = new short[fresh.MaxOutputFor(x.Length)];
        var n = fresh.Process(x, expected);

        var stream = design.NewStream();
        var actual = new short[stream.MaxOutputFor(x.Length)];
        var m = stream.Process(x, actual);

        Assert.Equal((22050, 8000, fresh.DelayOutputSamples), (stream.InputRate, stream.OutputRate, stream.DelayOutputSamples));
        Assert.Equal(expected.AsSpan(0, n).ToArray(), actual.AsSpan(0, m).ToArray());
    }

    [Fact]
    public void A_new_stream_for_call_frames_matches_a_fresh_converter_frame_by_frame()
    {
        // One leg's 16 → 8 kHz converter from a shared design, fed 20 ms frames as the media thread does.
        var x = Signals.Sine(700, 16000, 320 * 25);
        var design = new Resampler(16000, 8000, 1);
        var fresh = new Resampler(16000, 8000, 320);
        var stream = design.NewStream(320);
        var expected = new short[fresh.MaxOutputFor(320)];
        var actual = new short[stream.MaxOutputFor(320)];
        for (var f = 0; f < 25; f++)
        {
            var frame = x.AsSpan(f * 320, 320);
            var n = fresh.Process(frame, expected);
            var m = stream.Process(frame, actual);
            Assert.Equal(expected.AsSpan(0, n).ToArray(), actual.AsSpan(0, m).ToArray());
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => design.NewStream(0));
    }

    [Fact]
    public void Convert_compensates_the_delay()
    {
        var x = Signals.Sine(500, 16000, 1600, 8000);
        var y = Resampler.Convert(x, 16000, 8000);
        Assert.Equal(800, y.Length);
        var expected = Signals.Sine(500, 8000, 800, 8000);
        for (var i = 100; i < 700; i++)
        {
            Assert.InRange(y[i] - expected[i], -200, 200);
        }
    }

    [Fact]
    public void White_noise_from_sox_at_48k_downsampled_to_8k_keeps_the_band_below_4k()
    {
        var path = Tools.TempFile("noise48k.wav");
        Tools.Sox("-R", "-n", "-r", "48000", "-b", "16", "-c", "1", path, "synth", "1", "whitenoise", "vol", "0.3");
        var (_, noise) = WavReader.ReadAll(path);
        var y = Resampler.Convert(noise, 48000, 8000);
        // White noise keeps about (3680/24000) of its power after a 3.68 kHz low-pass (92 % of 4 kHz).
        var ratio = Math.Pow(Signals.Rms(y) / Signals.Rms(noise), 2);
        Assert.InRange(ratio, 0.14, 0.17);
    }

    private static short[] ConvertInFrames(short[] x, int from, int to)
    {
        var r = new Resampler(from, to);
        var frame = from / 50;
        var outBuf = new short[r.MaxOutputFor(frame)];
        var result = new List<short>();
        for (var i = 0; i + frame <= x.Length; i += frame)
        {
            var n = r.Process(x.AsSpan(i, frame), outBuf);
            result.AddRange(outBuf.AsSpan(0, n));
        }
        return [.. result];
    }
}
