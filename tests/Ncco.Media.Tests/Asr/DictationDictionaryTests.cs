using Ncco.Media.Asr;
using Ncco.Media.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Media.Tests.Asr;

/// <summary>
/// Issue 16, a dictation decoder's memory: the decoders that hold the language model load a dictionary cut to the model's
/// words, and neither open dictation nor hints decode any differently for it (real pocketsphinx, espeak-ng speech).
/// </summary>
public sealed class DictationDictionaryTests
{
    private static readonly PocketSphinxOptions Model = new();

    [Fact]
    public void The_cut_dictionary_keeps_every_pronunciation_of_the_model_s_words_and_nothing_else()
    {
        var path = DictationDictionary.Write(Model.LanguageModel, Model.Dictionary);
        try
        {
            var lines = File.ReadAllLines(path);
            var full = File.ReadLines(Model.Dictionary).Count();
            Assert.InRange(lines.Length, full / 2, full * 2 / 3);
            // Both pronunciations of a word the model has; a name it does not have is left out.
            Assert.Contains("read R EH D", lines);
            Assert.Contains("read(2) R IY D", lines);
            Assert.DoesNotContain(lines, l => l.StartsWith("aaliyah ", StringComparison.Ordinal));
            Assert.Contains(File.ReadLines(Model.Dictionary), l => l.StartsWith("aaliyah ", StringComparison.Ordinal));
            // Created for this user only.
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_language_model_sphinxbase_cannot_read_is_refused_naming_it_and_the_recogniser_falls_back_to_the_full_dictionary()
    {
        var bogus = Path.Combine(Path.GetTempPath(), $"ncco-not-a-model-{Guid.NewGuid():N}.lm.bin");
        File.WriteAllText(bogus, "not a language model");
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => DictationDictionary.LanguageModelWords(bogus));
            Assert.Contains(bogus, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bogus);
        }
        using var missing = new DictationDictionary(new PocketSphinxOptions("/nonexistent/pocketsphinx-model"));
        Assert.Null(missing.Path);
    }

    [Fact]
    public async Task Prepared_at_start_up_the_cut_dictionary_is_written_before_any_call_and_the_first_dictation_uses_it()
    {
        // Issue 16: written during the first burst of dictation calls, reading the language model for its words put a
        // transient on top of the calls' peak; the host prepares it at start-up instead.
        var sentence = WavReader.ReadAll(Tools.EspeakWav("hello world", 16000, "en-us", "dictdict-prepare")).Samples;
        using var asr = new PocketSphinxRecognizer(new PocketSphinxOptions(Decoders: 2) { IdleDecoderTimeout = Timeout.InfiniteTimeSpan, MaxDecoderWait = Timeout.InfiniteTimeSpan });
        Assert.Null(asr.DictationDictionaryPath);

        await asr.PrepareAsync(CancellationToken.None).Within();
        var file = asr.DictationDictionaryPath;
        Assert.NotNull(file);
        Assert.True(File.Exists(file));
        Assert.Equal(0, asr.DecodingThreads);

        var dictated = await asr.RecognizeAsync(sentence, 16000, new AsrSettings(), CancellationToken.None).Within();
        Assert.NotEmpty(Assert.Single(dictated).Text);
        Assert.Equal(file, asr.DictationDictionaryPath);
        Assert.Equal(1, asr.LanguageModelsLoaded);

        // One decoder decodes every grammar too, so it keeps the full dictionary: nothing to prepare.
        using var single = new PocketSphinxRecognizer(new PocketSphinxOptions(Decoders: 1));
        await single.PrepareAsync(CancellationToken.None).Within();
        Assert.Null(single.DictationDictionaryPath);
    }

    [Fact]
    public async Task Dictation_and_hints_decode_the_same_on_a_decoder_with_the_cut_dictionary_and_the_file_goes_with_the_recogniser()
    {
        var sentences = new[] { "hello world", "please cancel my order", "goodbye and thank you" }
            .Select(s => WavReader.ReadAll(Tools.EspeakWav(s, 16000, "en-us", $"dictdict-{s.Replace(' ', '-')}")).Samples).ToArray();
        var name = WavReader.ReadAll(Tools.EspeakWav("aaliyah", 16000, "en-us", "dictdict-aaliyah")).Samples;
        var yes = WavReader.ReadAll(Tools.EspeakWav("yes", 16000, "en-us", "dictdict-yes")).Samples;
        string[] menu = ["yes", "no", "operator"];
        string[] names = ["aaliyah", "operator"];

        // Two decoders, one of which may hold the model: it gets the cut dictionary. No idle freeing: the test decides.
        var cut = new PocketSphinxRecognizer(new PocketSphinxOptions(Decoders: 2) { IdleDecoderTimeout = Timeout.InfiniteTimeSpan, MaxDecoderWait = Timeout.InfiniteTimeSpan });
        using var full = new PocketSphinxRecognizer(new PocketSphinxOptions(Decoders: 2) { LimitDictationVocabulary = false, IdleDecoderTimeout = Timeout.InfiniteTimeSpan, MaxDecoderWait = Timeout.InfiniteTimeSpan });
        string?[] Texts(IEnumerable<IReadOnlyList<SpeechAlternative>> results) => [.. results.Select(r => r.SingleOrDefault()?.Text)];
        async Task<string?[]> Run(PocketSphinxRecognizer asr)
        {
            // One at a time: the first utterance makes the only decoder a dictation one, so the hints after it are decoded
            // there too (with the cut dictionary on `cut`), except the name, which the cut dictionary lacks.
            var results = new List<IReadOnlyList<SpeechAlternative>>();
            foreach (var audio in sentences)
            {
                results.Add(await asr.RecognizeAsync(audio, 16000, new AsrSettings(), CancellationToken.None).Within());
            }
            results.Add(await asr.RecognizeAsync(yes, 16000, new AsrSettings(Context: menu), CancellationToken.None).Within());
            results.Add(await asr.RecognizeAsync(name, 16000, new AsrSettings(Context: names), CancellationToken.None).Within());
            return Texts(results);
        }

        string? file;
        try
        {
            var withCut = await Run(cut);
            var withFull = await Run(full);
            Assert.Equal(withFull, withCut);
            Assert.Equal("yes", withCut[3]);
            Assert.Equal("aaliyah", withCut[4]);
            Assert.Equal(1, cut.LanguageModelsLoaded);
            // The name went to a second decoder with the full dictionary; the plain hints did not need one.
            Assert.Equal(2, cut.DecodingThreads);
            file = cut.DictationDictionaryPath;
            Assert.NotNull(file);
            Assert.True(File.Exists(file));
        }
        finally
        {
            cut.Dispose();
        }
        Assert.False(File.Exists(file));
    }
}
