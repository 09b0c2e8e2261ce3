using Ncco.Media.Dtmf;
using Ncco.Media.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Media.Tests.Dtmf;

internal static class DtmfTestAudio
{
    private static readonly Lazy<short[]> Noise8k = new(() => LoadSoxNoise(8000));

    /// <summary>Repeatable white noise made by sox (-R), normalised to RMS 1.0.</summary>
    public static short[] NoiseUnit() => Noise8k.Value;

    private static short[] LoadSoxNoise(int rate)
    {
        var path = Tools.TempFile($"noise-{rate}.wav");
        Tools.Sox("-R", "-n", "-r", rate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-b", "16", "-c", "1", path, "synth", "3", "whitenoise", "vol", "0.25");
        return WavReader.ReadAll(path).Samples;
    }

    public static List<DtmfDetection> Detect(short[] audio, int rate, DtmfDetectorOptions? options = null)
    {
        var d = new DtmfDetector(rate, options);
        var found = new List<DtmfDetection>();
        Span<DtmfDetection> buf = stackalloc DtmfDetection[8];
        var frame = rate / 50;
        for (var i = 0; i < audio.Length; i += frame)
        {
            var n = d.Process(audio.AsSpan(i, Math.Min(frame, audio.Length - i)), buf);
            found.AddRange(buf[..n].ToArray());
        }
        var f = d.Flush(buf);
        found.AddRange(buf[..f].ToArray());
        return found;
    }

    /// <summary>Silence, tone, silence, with noise added at an SNR relative to the tone pair's total power.</summary>
    public static short[] Burst(char key, int ms, double lowDbfs, double highDbfs, double? snrDb, int rate = 8000, double freqError = 0, int offset = 0)
    {
        var lead = (rate / 10) + offset;
        var tone = rate * ms / 1000;
        var total = lead + tone + (rate / 10);
        var clean = new double[total];
        var t = new short[tone];
        DtmfGenerator.WriteTone(key, t, rate, lowDbfs, highDbfs, freqError);
        for (var i = 0; i < tone; i++)
        {
            clean[lead + i] = t[i];
        }
        var result = new short[total];
        var noiseScale = 0.0;
        if (snrDb is { } snr)
        {
            var signalPower = (Math.Pow(32767 * Math.Pow(10, lowDbfs / 20), 2) / 2) + (Math.Pow(32767 * Math.Pow(10, highDbfs / 20), 2) / 2);
            var noise = NoiseUnit();
            var noiseRms = Signals.Rms(noise);
            noiseScale = Math.Sqrt(signalPower / Math.Pow(10, snr / 10)) / noiseRms;
        }
        var n = NoiseUnit();
        for (var i = 0; i < total; i++)
        {
            result[i] = Ncco.Media.Pcm.Pcm16.Saturate((float)(clean[i] + (noiseScale * n[(i + (key * 97)) % n.Length])));
        }
        return result;
    }
}
