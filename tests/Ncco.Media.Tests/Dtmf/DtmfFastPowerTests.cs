using Ncco.Media.Dtmf;
using Ncco.Media.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Media.Tests.Dtmf;

/// <summary>
/// The detector decides on re² + im² tone powers and takes any decision that comes within 1e-9 of its threshold again on
/// the Hypot powers it used before: the keys found must be exactly those of the Hypot powers, on keys at the edges of
/// every limit (level, twist, frequency), in noise, and on speech.
/// </summary>
public sealed class DtmfFastPowerTests
{
    private static List<DtmfDetection> Detect(short[] audio, int rate, bool exact)
    {
        var detector = new DtmfDetector(rate) { ExactPowers = exact };
        var found = new List<DtmfDetection>();
        var buffer = new DtmfDetection[8];
        var frame = rate / 50;
        for (var i = 0; i < audio.Length; i += frame)
        {
            var n = detector.Process(audio.AsSpan(i, Math.Min(frame, audio.Length - i)), buffer);
            found.AddRange(buffer.AsSpan(0, n).ToArray());
        }
        return found;
    }

    private static short[] EdgeCases(int rate)
    {
        var audio = new List<short>();
        var random = new Random(rate);
        foreach (var key in DtmfDigits.All)
        {
            // Level around the −36 dBFS minimum, twist around ±8 dB, frequency error around the 2.5 % cut, some in noise.
            var level = -36 + ((random.NextDouble() - 0.5) * 0.4);
            var twist = (random.Next(2) == 0 ? -8 : 8) + ((random.NextDouble() - 0.5) * 0.4);
            audio.AddRange(DtmfTestAudio.Burst(key, 60 + random.Next(60), level, level + twist, null, rate: rate));
            audio.AddRange(DtmfTestAudio.Burst(key, 50, -20, -20, null, rate: rate, freqError: 0.025 + ((random.NextDouble() - 0.5) * 0.002)));
            audio.AddRange(DtmfTestAudio.Burst(key, 80, -25, -23, 12 + random.Next(8), rate: rate));
        }
        return [.. audio];
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    public void Keys_at_the_edges_of_every_limit_are_those_of_the_hypot_powers(int rate)
    {
        var audio = EdgeCases(rate);
        var exact = Detect(audio, rate, exact: true);
        var fast = Detect(audio, rate, exact: false);

        Assert.Equal(exact, fast);
        // Not vacuous: some keys found, some rejected at the edges.
        Assert.InRange(exact.Count(d => !d.IsEnd), DtmfDigits.All.Length, (3 * DtmfDigits.All.Length) - 1);
    }

    [Fact]
    public void Speech_gives_the_same_blocks_either_way()
    {
        var path = Tools.EspeakWav("Press one for sales, two for support, or hold. Zero nine eight seven pound star.", 8000, "en-us", "fastpower-speech");
        var (_, speech) = WavReader.ReadAll(path);
        var detector = new DtmfDetector(8000);
        var exact = new DtmfDetector(8000) { ExactPowers = true };
        var buffer = new DtmfDetection[8];
        for (var i = 0; i + 160 <= speech.Length; i += 160)
        {
            var a = detector.Process(speech.AsSpan(i, 160), buffer);
            var first = buffer.AsSpan(0, a).ToArray();
            var b = exact.Process(speech.AsSpan(i, 160), buffer);
            Assert.Equal(first, buffer.AsSpan(0, b).ToArray());
            Assert.Equal(exact.ToneSounding, detector.ToneSounding);
        }
        Assert.True(exact.ExactFallbacks > 0, "the Hypot-only detector decided its blocks on Hypot powers");
    }
}
