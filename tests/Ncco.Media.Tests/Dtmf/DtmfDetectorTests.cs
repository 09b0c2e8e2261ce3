using Ncco.Media.Dtmf;
using Ncco.Media.Resampling;
using Ncco.Media.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Media.Tests.Dtmf;

public class DtmfDetectorTests
{
    public static TheoryData<int, double, double?> Matrix()
    {
        var data = new TheoryData<int, double, double?>();
        foreach (var ms in new[] { 40, 50, 70, 100, 200 })
        {
            foreach (var twist in new[] { -6.0, 0, 6.0 })
            {
                foreach (double? snr in new double?[] { null, 25, 15 })
                {
                    data.Add(ms, twist, snr);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Every_key_is_detected_once(int ms, double twistDb, double? snrDb)
    {
        foreach (var key in DtmfDigits.All)
        {
            for (var offset = 0; offset < 102; offset += 51)
            {
                // twist > 0: high group louder (normal twist); levels around -16 dBFS.
                var audio = DtmfTestAudio.Burst(key, ms, -16 - (twistDb / 2), -16 + (twistDb / 2), snrDb, offset: offset);
                var found = DtmfTestAudio.Detect(audio, 8000);
                var ends = found.Where(d => d.IsEnd).ToList();
                Assert.True(ends.Count == 1 && ends[0].Digit == key,
                    $"key {key}, {ms} ms, twist {twistDb} dB, SNR {snrDb?.ToString() ?? "inf"}, offset {offset}: got [{string.Join(",", found)}]");
                Assert.InRange(ends[0].DurationMilliseconds, ms - 30, ms + 30);
            }
        }
    }

    [Theory]
    [InlineData(0.015, true)]
    [InlineData(-0.015, true)]
    [InlineData(0.035, false)]
    [InlineData(-0.035, false)]
    public void Frequency_deviation_follows_q24(double error, bool accepted)
    {
        foreach (var key in DtmfDigits.All)
        {
            var audio = DtmfTestAudio.Burst(key, 100, -15, -15, null, freqError: error);
            var found = DtmfTestAudio.Detect(audio, 8000);
            Assert.True(accepted == found.Any(d => d.IsEnd && d.Digit == key), $"key {key} at {error:P1}: [{string.Join(",", found)}]");
            if (!accepted)
            {
                Assert.Empty(found);
            }
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(15)]
    [InlineData(20)]
    public void Tones_shorter_than_23ms_are_rejected(int ms)
    {
        foreach (var key in DtmfDigits.All)
        {
            for (var offset = 0; offset < 102; offset += 17)
            {
                var found = DtmfTestAudio.Detect(DtmfTestAudio.Burst(key, ms, -15, -15, null, offset: offset), 8000);
                Assert.True(found.Count == 0, $"{key} {ms} ms offset {offset}: [{string.Join(",", found)}]");
            }
        }
    }

    [Fact]
    public void Twist_beyond_limit_and_weak_tones_are_rejected()
    {
        Assert.Empty(DtmfTestAudio.Detect(DtmfTestAudio.Burst('5', 100, -10, -22, null), 8000)); // 12 dB reverse
        Assert.Empty(DtmfTestAudio.Detect(DtmfTestAudio.Burst('5', 100, -22, -10, null), 8000)); // 12 dB normal
        Assert.Empty(DtmfTestAudio.Detect(DtmfTestAudio.Burst('5', 100, -45, -45, null), 8000));
    }

    [Fact]
    public void Generated_key_string_with_40ms_gaps_and_pause_is_decoded_at_8k_and_16k()
    {
        foreach (var rate in new[] { 8000, 16000 })
        {
            var gen = new DtmfGenerator(rate, new DtmfGeneratorOptions(TimeSpan.FromMilliseconds(45), TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(500)));
            var audio = gen.Generate("123A456B789C*0#Dp9");
            var found = DtmfTestAudio.Detect(audio, rate);
            Assert.Equal("123A456B789C*0#D9", new string(found.Where(d => d.IsEnd).Select(d => d.Digit).ToArray()));
            Assert.Equal(17, found.Count(d => !d.IsEnd));
        }
    }

    [Fact]
    public void Default_generator_timing_is_documented()
    {
        var gen = new DtmfGenerator(8000);
        Assert.Equal(8000 * 160 / 1000, gen.SamplesFor("1"));
        Assert.Equal(8000 * 500 / 1000, gen.SamplesFor("p"));
        Assert.Throws<ArgumentException>(() => gen.SamplesFor("x"));
    }

    [Fact]
    public void No_false_positives_on_a_minute_of_speech()
    {
        var text = string.Join(' ', Enumerable.Repeat(
            "Thank you for calling. Please say or press one for sales, two for support, or hold for an operator. " +
            "Your call is important to us. The quick brown fox jumps over the lazy dog. Zero, nine, eight, seven, pound, star.", 4));
        foreach (var voice in new[] { "en-us", "en-us+f3", "de", "fr-fr" })
        {
            var path = Tools.EspeakWav(text, 8000, voice, "talkoff-" + voice.Replace('+', '_'));
            var (info, speech) = WavReader.ReadAll(path);
            Assert.True(info.Duration > TimeSpan.FromSeconds(15), info.Duration.ToString());
            var found = DtmfTestAudio.Detect(speech, 8000);
            Assert.True(found.Count == 0, $"{voice}: false digits [{string.Join(",", found)}]");
        }
    }

    [Fact]
    public void No_false_positives_on_music()
    {
        var path = Tools.TempFile("music.wav");
        Tools.Sox("-n", "-r", "8000", "-b", "16", "-c", "1", path, "synth", "0.4", "pluck", "C4", "pluck", "E4", "pluck", "G4",
            "pluck", "B4", "repeat", "40", "vol", "0.3");
        var chords = WavReader.ReadAll(path).Samples;
        Assert.Empty(DtmfTestAudio.Detect(chords, 8000));
        var path2 = Tools.TempFile("music2.wav");
        Tools.Sox("-n", "-r", "16000", "-b", "16", "-c", "1", path2, "synth", "20", "sine", "200-2000", "sine", "300-1500", "tremolo", "5", "vol", "0.3");
        var sweep = Resampler.Convert(WavReader.ReadAll(path2).Samples, 16000, 8000);
        Assert.Empty(DtmfTestAudio.Detect(sweep, 8000));
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    public void Vector_and_scalar_filters_report_the_same_keys_at_the_same_samples(int rate)
    {
        // Keys at several levels and lengths in noise, fed in 20 ms frames as the media engine does.
        var audio = new List<short>();
        foreach (var (key, ms, level) in new[] { ('1', 60, -12.0), ('5', 120, -20.0), ('#', 45, -25.0), ('D', 200, -8.0), ('0', 80, -30.0) })
        {
            audio.AddRange(DtmfTestAudio.Burst(key, ms, level, level + 2, 20, rate: rate));
        }
        var frame = rate / 50;
        var vector = new DtmfDetector(rate) { UseVectors = true };
        var scalar = new DtmfDetector(rate) { UseVectors = false };
        var fromVector = new List<DtmfDetection>();
        var fromScalar = new List<DtmfDetection>();
        var buffer = new DtmfDetection[8];
        var samples = audio.ToArray();
        for (var i = 0; i + frame <= samples.Length; i += frame)
        {
            var n = vector.Process(samples.AsSpan(i, frame), buffer);
            fromVector.AddRange(buffer.AsSpan(0, n).ToArray());
            n = scalar.Process(samples.AsSpan(i, frame), buffer);
            fromScalar.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        Assert.Equal(fromScalar, fromVector);
        Assert.Equal("15#D0", string.Concat(fromScalar.Where(d => d.IsEnd).Select(d => d.Digit)));
    }

    [Theory]
    [InlineData(8000, -36.0, -34.0)]
    [InlineData(16000, -36.0, -34.0)]
    [InlineData(8000, -60.0, -55.0)] // a lower minimum: the quiet-block shortcut scales with it
    public void Keys_just_above_the_minimum_level_are_found_and_just_below_are_not(int rate, double minimum, double level)
    {
        // Quiet blocks skip the DFT sums (their mean power bounds every tone's); a key at the edge of the level limit is
        // the case where that bound must never say "too quiet" for a block the full test would accept.
        var options = DtmfDetectorOptions.Default with { MinimumToneLevelDbfs = minimum };
        foreach (var key in "159#")
        {
            var found = DtmfTestAudio.Detect(DtmfTestAudio.Burst(key, 100, level, level, null, rate: rate), rate, options);
            Assert.Equal([key], found.Where(d => !d.IsEnd).Select(d => d.Digit));
            Assert.Empty(DtmfTestAudio.Detect(DtmfTestAudio.Burst(key, 100, minimum - 3, minimum - 3, null, rate: rate), rate, options));
        }
    }
}
