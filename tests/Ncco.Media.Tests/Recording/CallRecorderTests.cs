using Ncco.Media.Dtmf;
using Ncco.Media.Recording;
using Ncco.Media.SoundFile;
using Ncco.Media.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Media.Tests.Recording;

public class CallRecorderTests
{
    private static short[] Speech8k(string name = "rec-speech") =>
        WavReader.ReadAll(Tools.EspeakWav("Hello, this is a voicemail message for the recording test.", 8000, "en-us", name)).Samples;

    private static RecordingEndReason Feed(CallRecorder rec, ReadOnlySpan<short> mono, int frame = 160)
    {
        var reason = RecordingEndReason.None;
        for (var i = 0; i + frame <= mono.Length && reason == RecordingEndReason.None; i += frame)
        {
            reason = rec.WriteFrame(mono.Slice(i, frame));
        }
        return reason;
    }

    [Fact]
    public async Task Mono_wav_is_16k_and_complete()
    {
        var path = Tools.TempFile("rec-mono.wav");
        var speech = Speech8k();
        var rec = new CallRecorder(path, new RecordingOptions(RecordingFormat.Wav), 8000);
        Feed(rec, speech);
        var result = await rec.CompleteAsync(CancellationToken.None);
        Assert.False(File.Exists(rec.PartialPath));
        var (info, samples) = WavReader.ReadAll(path);
        Assert.Equal(16000, info.SampleRate);
        Assert.Equal(1, info.Channels);
        Assert.InRange(samples.Length, (speech.Length * 2) - 400, speech.Length * 2);
        Assert.Equal(RecordingEndReason.Stopped, result.EndReason);
        Assert.Equal(new FileInfo(path).Length, result.SizeBytes);
    }

    [Theory]
    [InlineData(RecordingFormat.Mp3, 2)]
    [InlineData(RecordingFormat.Ogg, 2)]
    [InlineData(RecordingFormat.Wav, 32)]
    [InlineData(RecordingFormat.Mp3, 3)]
    public async Task Split_channels_stay_separate(RecordingFormat format, int channels)
    {
        var path = Tools.TempFile($"rec-split-{format}-{channels}.{(format == RecordingFormat.Mp3 && channels > 2 ? "wav" : format.ToString().ToLowerInvariant())}");
        var rec = new CallRecorder(path, new RecordingOptions(format, channels), 8000);
        var frame = new short[160 * channels];
        for (var f = 0; f < 100; f++)
        {
            for (var i = 0; i < 160; i++)
            {
                var t = (f * 160) + i;
                for (var c = 0; c < channels; c++)
                {
                    var freq = 300 + (100 * c);
                    frame[(i * channels) + c] = (short)(8000 * Math.Sin(2 * Math.PI * freq * t / 8000));
                }
            }
            rec.WriteFrame(frame);
        }
        var result = await rec.CompleteAsync(CancellationToken.None);
        Assert.Equal(format == RecordingFormat.Mp3 && channels > 2 ? RecordingFormat.Wav : format, result.Format);
        var (rate, ch, samples) = SoundFileReader.ReadAll(path);
        Assert.Equal(16000, rate);
        Assert.Equal(channels, ch);
        Assert.Equal("16000", Tools.Run("soxi", "-r", path).Trim());
        var frames = samples.Length / channels;
        foreach (var c in new[] { 0, channels - 1 })
        {
            var mono = new short[frames / 2];
            for (var i = 0; i < mono.Length; i++)
            {
                mono[i] = samples[((i + (frames / 4)) * channels) + c];
            }
            var own = Signals.ToneAmplitude(mono, 300 + (100 * c), 16000);
            var other = Signals.ToneAmplitude(mono, 300 + (100 * (c == 0 ? 1 : c - 1)), 16000);
            // 32 kbit/s MP3 shared by two channels is lossy enough to lose level; lossless formats keep it.
            var minOwn = result.Format == RecordingFormat.Mp3 ? 3000 : 7000;
            Assert.True(own > minOwn && other < 300, $"channel {c}: own {own:F0}, other {other:F0}");
        }
    }

    [Fact]
    public async Task End_on_silence_stops_after_the_silence()
    {
        var speech = Speech8k();
        var audio = speech.Concat(new short[8000 * 6]).ToArray();
        var path = Tools.TempFile("rec-silence.wav");
        var rec = new CallRecorder(path, new RecordingOptions(RecordingFormat.Wav, EndOnSilence: TimeSpan.FromSeconds(3)), 8000);
        Assert.Equal(RecordingEndReason.Silence, Feed(rec, audio));
        var result = await rec.CompleteAsync(CancellationToken.None);
        var expected = (speech.Length / 8000.0) + 3;
        Assert.InRange(result.Duration.TotalSeconds, expected - 0.6, expected + 0.5);
    }

    [Fact]
    public async Task End_on_key_stops_at_the_key()
    {
        var speech = Speech8k();
        var keys = new DtmfGenerator(8000).Generate("5#");
        var audio = speech.Concat(keys).Concat(new short[8000 * 2]).ToArray();
        var path = Tools.TempFile("rec-key.mp3");
        var rec = new CallRecorder(path, new RecordingOptions(EndOnKey: '#'), 8000);
        Assert.Equal(RecordingEndReason.Key, Feed(rec, audio));
        var result = await rec.CompleteAsync(CancellationToken.None);
        Assert.Equal('#', result.EndKey);
        var expected = (speech.Length + 160 * 8 + 160) / 8000.0;
        Assert.InRange(result.Duration.TotalSeconds, expected - 0.1, expected + 0.1);
        Assert.Equal(RecordingFormat.Mp3, result.Format);
        Assert.Equal("32000", Tools.Run("soxi", "-B", path).Trim().Replace("32.0k", "32000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Time_out_caps_the_length()
    {
        var rec = new CallRecorder(Tools.TempFile("rec-timeout.wav"), new RecordingOptions(RecordingFormat.Wav, TimeOut: TimeSpan.FromSeconds(3)), 16000);
        Assert.Equal(RecordingEndReason.TimeOut, Feed(rec, Signals.Sine(200, 16000, 16000 * 5), 320));
        var result = await rec.CompleteAsync(CancellationToken.None);
        Assert.Equal(3.0, result.Duration.TotalSeconds, 3);
    }

    [Fact]
    public async Task Crash_leaves_a_readable_partial_wav()
    {
        var path = Tools.TempFile("rec-crash.mp3");
        var rec = new CallRecorder(path, new RecordingOptions(), 8000);
        Feed(rec, Signals.Sine(440, 8000, 8000 * 5 / 2));
        // Simulate the process dying: the file handle goes away without CompleteAsync.
        await rec.DisposeAsync();
        Assert.False(File.Exists(path));
        var (info, samples) = WavReader.ReadAll(rec.PartialPath);
        Assert.Equal(16000, info.SampleRate);
        Assert.True(samples.Length >= 16000 * 2, $"{samples.Length} samples survived");
        Assert.InRange(Signals.ToneAmplitude(samples.AsSpan(1000, 16000), 440, 16000), 9000, 11000);
    }

    [Fact]
    public void Beep_and_validation()
    {
        Assert.Equal(3200, CallRecorder.CreateBeep(8000).Length);
        Assert.Equal("Channels", Assert.Throws<ArgumentException>(() => new RecordingOptions(Channels: 33).Validate()).ParamName);
        Assert.Equal("EndOnSilence", Assert.Throws<ArgumentException>(() => new RecordingOptions(EndOnSilence: TimeSpan.FromSeconds(1)).Validate()).ParamName);
        Assert.Equal("EndOnKey", Assert.Throws<ArgumentException>(() => new RecordingOptions(EndOnKey: 'A').Validate()).ParamName);
    }
}
