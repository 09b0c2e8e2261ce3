using Ncco.Media.Asr;
using Ncco.Media.G711;
using Ncco.Media.Resampling;
using Ncco.Media.Tests.Support;
using Ncco.Media.Tts;
using Ncco.Media.Wav;

namespace Ncco.Media.Tests.Asr;

public sealed class PocketSphinxTests : IDisposable
{
    private static readonly string[] Menu = ["yes", "no", "sales", "support", "billing", "operator", "cancel", "repeat", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "zero"];
    private readonly PocketSphinxRecognizer _asr = new();

    public void Dispose() => _asr.Dispose();

    [Theory]
    [InlineData("yes", 16000)]
    [InlineData("operator", 8000)]
    [InlineData("cancel", 8000)]
    [InlineData("nine", 16000)]
    public async Task Recognises_a_hinted_word_spoken_by_espeak(string word, int rate)
    {
        var audio = WavReader.ReadAll(Tools.EspeakWav(word, rate, "en-us", $"asr-{word}")).Samples;
        var result = await _asr.RecognizeAsync(audio, rate, new AsrSettings(Context: Menu), CancellationToken.None).Within();
        Assert.Equal(word, Assert.Single(result).Text);
        Assert.InRange(result[0].Confidence!.Value, 0, 1);
    }

    [Fact]
    public async Task Open_dictation_without_hints_returns_text()
    {
        var audio = WavReader.ReadAll(Tools.EspeakWav("hello world", 16000, "en-us", "asr-dictation")).Samples;
        var result = await _asr.RecognizeAsync(audio, 16000, new AsrSettings(), CancellationToken.None).Within();
        Assert.NotEmpty(Assert.Single(result).Text);
    }

    [Fact]
    public async Task Round_trip_tts_g711_asr_with_hints()
    {
        var tts = new EspeakTextToSpeech();
        var pcm = await Synth.AllAsync(tts, new TtsRequest("billing"), 8000);
        var ulaw = new byte[pcm.Length];
        MuLaw.Encode(pcm, ulaw);
        var decoded = new short[pcm.Length];
        MuLaw.Decode(ulaw, decoded);
        var result = await _asr.RecognizeAsync(decoded, 8000, new AsrSettings(Context: ["sales", "billing", "technical support", "speak to an agent"]), CancellationToken.None).Within();
        Assert.Equal("billing", Assert.Single(result).Text);
    }

    [Fact]
    public async Task Multi_word_hints_and_digit_hints()
    {
        var audio = WavReader.ReadAll(Tools.EspeakWav("speak to an agent", 16000, "en-us", "asr-agent")).Samples;
        var result = await _asr.RecognizeAsync(audio, 16000, new AsrSettings(Context: ["sales", "billing", "Speak to an agent!", "1", "2"]), CancellationToken.None).Within();
        Assert.Equal("speak to an agent", Assert.Single(result).Text);
        Assert.Equal(["two", "five"], HintGrammar.Words("2 5"));
        Assert.Null(HintGrammar.Build(["xqzzy"], _ => false, out var dropped));
        Assert.Equal(["xqzzy"], dropped);
    }

    [Fact]
    public async Task Decoders_built_on_several_threads_at_once_leave_sphinxbase_logging_nowhere()
    {
        // Issue 16, a test run left idle for 12 minutes: every decoder passed -logfn, so each ps_init closed sphinxbase's one
        // process-wide log file under the other threads' decoders, which could leave a decoding thread waiting forever on
        // a closed file's lock (reproduced in C: see SphinxLog). Now no decoder swaps the file and the log is off.
        var yes = WavReader.ReadAll(Tools.EspeakWav("yes", 16000, "en-us", "asr-threads-yes")).Samples;
        using var asr = new PocketSphinxRecognizer(new PocketSphinxOptions(Decoders: 3) { IdleDecoderTimeout = Timeout.InfiniteTimeSpan, MaxDecoderWait = Timeout.InfiniteTimeSpan });
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => asr.RecognizeAsync(yes, 16000, new AsrSettings(Context: Menu), CancellationToken.None))).Within();
        Assert.All(results, r => Assert.Equal("yes", Assert.Single(r).Text));
        Assert.Equal(3, asr.DecodingThreads);
        Assert.False(SphinxLog.Enabled);
    }

    [Fact]
    public async Task Other_languages_are_refused_clearly()
    {
        var ex = await Assert.ThrowsAsync<NotSupportedException>(async () => await _asr.StartAsync(new AsrSettings("de-DE"), 8000, CancellationToken.None));
        Assert.Contains("de-DE", ex.Message, StringComparison.Ordinal);
    }
}
