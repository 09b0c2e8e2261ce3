using Microsoft.Extensions.Time.Testing;
using Ncco.Media.Asr;
using Ncco.Media.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Media.Tests.Asr;

/// <summary>
/// Many speech inputs share a fixed set of pocketsphinx decoders: they all listen at once, decode correctly, never more than
/// the configured number at a time, and the decoding threads do not grow with the calls.
/// </summary>
public sealed class PocketSphinxPoolTests
{
    private static readonly string[] Menu = ["yes", "no", "sales", "support", "billing", "operator", "cancel", "repeat"];
    private static readonly string[] Words = ["yes", "operator", "cancel", "billing", "sales", "repeat"];

    [Fact]
    public async Task Six_concurrent_speech_inputs_are_all_recognised_by_two_decoders_and_the_threads_stay_two_over_rounds()
    {
        // No wait bound here (it has its own test): on a loaded machine six utterances may wait longer than the default for two decoders.
        // No idle freeing either (PocketSphinxIdleDecoderTests): a slow round must not count as a quiet spell.
        using var asr = new PocketSphinxRecognizer(new PocketSphinxOptions(Decoders: 2) { MaxDecoderWait = Timeout.InfiniteTimeSpan, IdleDecoderTimeout = Timeout.InfiniteTimeSpan });
        var audio = Words.Select(w => WavReader.ReadAll(Tools.EspeakWav(w, 8000, "en-us", $"pool-{w}")).Samples).ToArray();
        // What one decoder says for each utterance on its own: sharing decoders between calls must not change a result.
        var alone = new List<string?>();
        using (var single = new PocketSphinxRecognizer(new PocketSphinxOptions(Decoders: 1)))
        {
            foreach (var samples in audio)
            {
                alone.Add((await single.RecognizeAsync(samples, 8000, new AsrSettings(Context: Menu), CancellationToken.None).Within()).SingleOrDefault()?.Text);
            }
        }
        Assert.Equal(["yes", "operator", "cancel"], alone.Take(3));

        for (var round = 0; round < 3; round++)
        {
            // Every call listens at the same time (none holds a decoder while it listens), then all finish together.
            var streams = new List<ISpeechRecognitionStream>();
            foreach (var _ in audio)
            {
                var stream = await asr.StartAsync(new AsrSettings(Context: Menu), 8000, CancellationToken.None);
                streams.Add(stream);
            }
            for (var i = 0; i < audio.Max(a => a.Length); i += 160)
            {
                for (var call = 0; call < streams.Count; call++)
                {
                    if (i < audio[call].Length) streams[call].Write(audio[call].AsSpan(i, Math.Min(160, audio[call].Length - i)));
                }
            }
            var results = await Task.WhenAll(streams.Select(s => s.FinishAsync(CancellationToken.None))).Within();
            foreach (var stream in streams) await stream.DisposeAsync();

            Assert.Equal(alone, results.Select(r => r.SingleOrDefault()?.Text));
            Assert.Equal(2, asr.DecodingThreads);
        }
        Assert.Equal(2, asr.PeakConcurrentDecodes);
    }

    [Fact]
    public async Task Utterances_beyond_the_waiting_limit_are_refused_with_a_clear_error_and_the_others_still_decode()
    {
        using var asr = new PocketSphinxRecognizer(new PocketSphinxOptions(Decoders: 1) { MaxWaitingUtterances = 2, MaxDecoderWait = Timeout.InfiniteTimeSpan });
        var samples = WavReader.ReadAll(Tools.EspeakWav("yes", 16000, "en-us", "pool-limit")).Samples;
        var streams = new List<ISpeechRecognitionStream>();
        for (var i = 0; i < 8; i++)
        {
            var stream = await asr.StartAsync(new AsrSettings(Context: Menu), 16000, CancellationToken.None);
            stream.Write(samples);
            streams.Add(stream);
        }

        var finishing = streams.Select(s => s.FinishAsync(CancellationToken.None)).ToList();
        var outcomes = await Task.WhenAll(finishing.Select(async t =>
        {
            try
            {
                return (await t).Single().Text;
            }
            catch (InvalidOperationException e)
            {
                Assert.Contains("saturated", e.Message, StringComparison.Ordinal);
                return "refused";
            }
        })).Within();

        // One decodes at once and two may wait: the first few are recognised, the overflow is refused, none is lost silently.
        Assert.Contains("yes", outcomes);
        Assert.Contains("refused", outcomes);
        Assert.All(outcomes, o => Assert.True(o is "yes" or "refused", o));
        Assert.Equal(1, asr.DecodingThreads);
    }

    [Fact]
    public async Task A_stream_disposed_without_finishing_costs_nothing_and_a_disposed_recogniser_refuses_clearly()
    {
        var asr = new PocketSphinxRecognizer(new PocketSphinxOptions(Decoders: 1));
        await using (var abandoned = await asr.StartAsync(new AsrSettings(), 8000, CancellationToken.None))
        {
            abandoned.Write(new short[1600]);
        }
        Assert.Equal(0, asr.DecodingThreads);
        var late = await asr.StartAsync(new AsrSettings(), 8000, CancellationToken.None);
        late.Write(new short[1600]);
        asr.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => late.FinishAsync(CancellationToken.None));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await asr.StartAsync(new AsrSettings(), 8000, CancellationToken.None));
    }

    [Fact]
    public async Task An_utterance_whose_input_ended_before_a_decoder_took_it_leaves_the_queue_at_once_and_holds_nothing()
    {
        // Issue 16 soak: with decoders behind, utterances of inputs that had already ended (calls hung up) waited in the
        // queue to be decoded for nobody, each keeping its audio and its whole call alive — memory grew round after round.
        using var asr = new PocketSphinxRecognizer(new PocketSphinxOptions(Decoders: 1) { MaxDecoderWait = Timeout.InfiniteTimeSpan });
        var samples = WavReader.ReadAll(Tools.EspeakWav("yes", 16000, "en-us", "pool-cancel")).Samples;
        var inputs = new List<(CancellationTokenSource Input, Task<IReadOnlyList<SpeechAlternative>> Result)>();
        for (var i = 0; i < 6; i++)
        {
            var stream = await asr.StartAsync(new AsrSettings(Context: Menu), 16000, CancellationToken.None);
            stream.Write(samples);
            var input = new CancellationTokenSource();
            inputs.Add((input, stream.FinishAsync(input.Token)));
        }

        // Every input ends: what waits is dropped now; the one decoder may already have taken one utterance, which finishes.
        foreach (var (input, _) in inputs) await input.CancelAsync();
        Assert.Equal(0, asr.WaitingUtterances);
        var outcomes = await Task.WhenAll(inputs.Select(async i =>
        {
            try
            {
                return (await i.Result).SingleOrDefault()?.Text ?? "";
            }
            catch (OperationCanceledException)
            {
                return "cancelled";
            }
        })).Within();
        Assert.True(outcomes.Count(o => o == "cancelled") >= 5, string.Join(", ", outcomes));
        Assert.All(outcomes, o => Assert.True(o is "yes" or "cancelled", o));

        // The decoder is still good for the next input, and an input that ended before it finished costs no decode.
        var next = await asr.StartAsync(new AsrSettings(Context: Menu), 16000, CancellationToken.None);
        next.Write(samples);
        Assert.Equal("yes", Assert.Single(await next.FinishAsync(CancellationToken.None).Within()).Text);
        var ended = await asr.StartAsync(new AsrSettings(Context: Menu), 16000, CancellationToken.None);
        ended.Write(samples);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ended.FinishAsync(new CancellationToken(canceled: true)));
        Assert.Equal(0, asr.WaitingUtterances);
        Assert.Equal(1, asr.DecodingThreads);
        foreach (var (input, _) in inputs) input.Dispose();
    }

    [Fact]
    public async Task An_utterance_no_decoder_takes_within_the_wait_bound_fails_with_a_timeout_and_holds_nothing()
    {
        // Every decoder busy: a caller gets an error result in bounded time (the speech input reports it), never an
        // unbounded wait, and the utterance's audio leaves the queue at once.
        var clock = new FakeTimeProvider();
        using var asr = new PocketSphinxRecognizer(new PocketSphinxOptions(Decoders: 1) { MaxDecoderWait = TimeSpan.FromSeconds(5) }, clock);
        var samples = WavReader.ReadAll(Tools.EspeakWav("yes", 16000, "en-us", "pool-wait")).Samples;
        var finishing = new List<Task<IReadOnlyList<SpeechAlternative>>>();
        for (var i = 0; i < 6; i++)
        {
            var stream = await asr.StartAsync(new AsrSettings(Context: Menu), 16000, CancellationToken.None);
            stream.Write(samples);
            finishing.Add(stream.FinishAsync(CancellationToken.None));
        }

        clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.All(finishing.Skip(1), t => Assert.False(t.IsFaulted));
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(0, asr.WaitingUtterances);
        var outcomes = await Task.WhenAll(finishing.Select(async t =>
        {
            try
            {
                return Assert.Single(await t).Text;
            }
            catch (TimeoutException e)
            {
                Assert.Contains("no pocketsphinx decoder was free within 5 s", e.Message, StringComparison.Ordinal);
                return "timed out";
            }
        })).Within();
        // The one decoder took the first utterance (maybe a second one) before the bound; the rest timed out.
        Assert.True(outcomes.Count(o => o == "timed out") >= 4, string.Join(", ", outcomes));
        Assert.All(outcomes, o => Assert.True(o is "yes" or "timed out", o));

        // The bound is on the wait, not on decoding: a decoder that is free takes the next one whatever the clock does.
        var next = await asr.StartAsync(new AsrSettings(Context: Menu), 16000, CancellationToken.None);
        next.Write(samples);
        var result = next.FinishAsync(CancellationToken.None);
        Assert.Equal("yes", Assert.Single(await result.Within()).Text);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, asr.DecodingThreads);
    }

    [Fact]
    public async Task A_decoder_loads_the_language_model_only_for_an_utterance_without_hints_and_results_do_not_change()
    {
        // The language model and its search are ≈ 63 of a decoder's ≈ 91 MB: inputs with hints never need them.
        var yes = WavReader.ReadAll(Tools.EspeakWav("yes", 8000, "en-us", "pool-lm-yes")).Samples;
        var sentence = WavReader.ReadAll(Tools.EspeakWav("hello world", 16000, "en-us", "pool-lm-sentence")).Samples;
        string? dictatedFirst;
        using (var fresh = new PocketSphinxRecognizer(new PocketSphinxOptions(Decoders: 1)))
        {
            dictatedFirst = (await fresh.RecognizeAsync(sentence, 16000, new AsrSettings(), CancellationToken.None).Within()).SingleOrDefault()?.Text;
            Assert.Equal(1, fresh.LanguageModelsLoaded);
        }
        Assert.False(string.IsNullOrEmpty(dictatedFirst));

        using var asr = new PocketSphinxRecognizer(new PocketSphinxOptions(Decoders: 1));
        Assert.Equal("yes", Assert.Single(await asr.RecognizeAsync(yes, 8000, new AsrSettings(Context: Menu), CancellationToken.None).Within()).Text);
        Assert.Equal(0, asr.LanguageModelsLoaded);

        // Loaded on the first dictation, the same search as one loaded with the decoder: the same text.
        Assert.Equal(dictatedFirst, Assert.Single(await asr.RecognizeAsync(sentence, 16000, new AsrSettings(), CancellationToken.None).Within()).Text);
        Assert.Equal(1, asr.LanguageModelsLoaded);
        Assert.Equal("yes", Assert.Single(await asr.RecognizeAsync(yes, 8000, new AsrSettings(Context: Menu), CancellationToken.None).Within()).Text);
        Assert.Equal(dictatedFirst, Assert.Single(await asr.RecognizeAsync(sentence, 16000, new AsrSettings(), CancellationToken.None).Within()).Text);
        Assert.Equal(1, asr.LanguageModelsLoaded);
    }

    [Theory]
    [InlineData(-1, 256, 10, "Decoders")]
    [InlineData(0, 0, 10, "MaxWaitingUtterances")]
    [InlineData(0, 256, 0, "MaxDecoderWait")]
    [InlineData(0, 256, -5, "MaxDecoderWait")]
    public void Out_of_range_pool_options_are_refused_naming_the_option(int decoders, int waiting, double waitSeconds, string option)
    {
        var options = new PocketSphinxOptions(Decoders: decoders) { MaxWaitingUtterances = waiting, MaxDecoderWait = TimeSpan.FromSeconds(waitSeconds) };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new PocketSphinxRecognizer(options));
        Assert.Contains(option, error.ParamName, StringComparison.Ordinal);
        using var unbounded = new PocketSphinxRecognizer(new PocketSphinxOptions { MaxDecoderWait = Timeout.InfiniteTimeSpan });
    }
}
