using Microsoft.Extensions.Time.Testing;
using Ncco.Media.Asr;
using Ncco.Media.Tests.Support;

namespace Ncco.Media.Tests.Asr;

/// <summary>
/// Issue 16, memory after the calls end: the decoding pool frees decoders that sat idle beyond the kept ones (on a moved
/// clock), hands the memory back, never frees one that is decoding, and lets only the dictation decoders load the language
/// model. Fake decoders stand in for pocketsphinx so each decode can be held and released by the test.
/// </summary>
public sealed class PocketSphinxIdleDecoderTests
{
    [Fact]
    public async Task An_idle_decoder_beyond_the_kept_one_is_freed_after_the_idle_timeout_and_its_memory_handed_back()
    {
        var clock = new FakeTimeProvider();
        var fakes = new FakeDecoders();
        using var pool = fakes.Pool(new PocketSphinxOptions(Decoders: 2) { IdleDecoderTimeout = TimeSpan.FromSeconds(30), IdleDecodersKept = 1 }, clock);

        var both = new[] { Decode(pool, ["yes"]), Decode(pool, ["no"]) };
        Bounded.Until(() => fakes.Decoding == 2);
        fakes.Release(2);
        Assert.Equal(["yes", "no"], (await Task.WhenAll(both).Within()).Select(r => r!.Text));
        Assert.Equal(2, pool.ThreadCount);

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, fakes.Disposed);
        clock.Advance(TimeSpan.FromSeconds(1));
        Bounded.Until(() => pool.ThreadCount == 1 && pool.IdleDecodersFreed == 1);
        Assert.Equal(1, fakes.Disposed);
        Assert.Equal(1, fakes.MemoryReleases);

        // The kept decoder stays however long the host is quiet, and takes the next utterance without a new load.
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, pool.ThreadCount);
        var next = Decode(pool, ["sales"]);
        fakes.Release(1);
        Assert.Equal("sales", (await next.Within())!.Text);
        Assert.Equal(2, fakes.Created);
        Assert.Equal(1, fakes.Disposed);
    }

    [Fact]
    public async Task A_decoder_that_is_decoding_is_never_freed_and_with_none_kept_every_one_goes_once_idle()
    {
        var clock = new FakeTimeProvider();
        var fakes = new FakeDecoders();
        using var pool = fakes.Pool(new PocketSphinxOptions(Decoders: 2) { IdleDecoderTimeout = TimeSpan.FromSeconds(10), IdleDecodersKept = 0 }, clock);

        var first = Decode(pool, ["yes"]);
        var second = Decode(pool, ["no"]);
        Bounded.Until(() => fakes.Decoding == 2);
        fakes.Release(1);
        var done = await Task.WhenAny(first, second).Within();
        var busy = done == first ? second : first;

        // One idle, one still decoding: only the idle one goes, however far the clock moves.
        clock.Advance(TimeSpan.FromSeconds(10));
        Bounded.Until(() => pool.IdleDecodersFreed == 1);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, pool.ThreadCount);
        Assert.Equal(1, fakes.Disposed);
        Assert.False(busy.IsCompleted);

        fakes.Release(1);
        Assert.NotNull(await busy.Within());
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(1, fakes.Disposed);
        clock.Advance(TimeSpan.FromSeconds(1));
        Bounded.Until(() => pool.ThreadCount == 0 && pool.IdleDecodersFreed == 2);
        Assert.Equal(2, fakes.MemoryReleases);

        // A freed pool loads a decoder again for the next utterance.
        var again = Decode(pool, ["cancel"]);
        fakes.Release(1);
        Assert.Equal("cancel", (await again.Within())!.Text);
        Assert.Equal(3, fakes.Created);
    }

    [Fact]
    public async Task A_kept_decoder_is_not_freed_but_what_decoding_left_is_handed_back_once_per_quiet_spell()
    {
        var clock = new FakeTimeProvider();
        var fakes = new FakeDecoders();
        using var pool = fakes.Pool(new PocketSphinxOptions(Decoders: 1) { IdleDecoderTimeout = TimeSpan.FromSeconds(30), IdleDecodersKept = 1 }, clock);

        Assert.Equal(0, await Spell(pool, fakes, clock));
        Assert.Equal(1, await Spell(pool, fakes, clock));
        Assert.Equal(1, pool.ThreadCount);
        Assert.Equal(0, pool.IdleDecodersFreed);
        Assert.Equal(0, fakes.Disposed);
        Assert.Equal(1, fakes.Created);

        // One busy spell, one hand-back: nothing decoded since, nothing more to give.
        static async Task<int> Spell(PocketSphinxWorkers pool, FakeDecoders fakes, FakeTimeProvider clock)
        {
            var before = fakes.MemoryReleases;
            var result = Decode(pool, ["yes"]);
            fakes.Release(1);
            Assert.Equal("yes", (await result.Within())!.Text);
            clock.Advance(TimeSpan.FromSeconds(29));
            Assert.Equal(before, fakes.MemoryReleases);
            clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(before + 1, fakes.MemoryReleases);
            clock.Advance(TimeSpan.FromHours(1));
            Assert.Equal(before + 1, fakes.MemoryReleases);
            Assert.Equal(before + 1, pool.IdleTrims);
            return before;
        }
    }

    [Fact]
    public async Task Decoders_used_again_before_the_timeout_are_not_freed_and_without_a_timeout_none_is()
    {
        var clock = new FakeTimeProvider();
        var fakes = new FakeDecoders();
        using (var pool = fakes.Pool(new PocketSphinxOptions(Decoders: 2) { IdleDecoderTimeout = TimeSpan.FromSeconds(30), IdleDecodersKept = 1 }, clock))
        {
            var both = new[] { Decode(pool, ["yes"]), Decode(pool, ["no"]) };
            Bounded.Until(() => fakes.Decoding == 2);
            fakes.Release(2);
            await Task.WhenAll(both).Within();
            for (var i = 0; i < 3; i++)
            {
                clock.Advance(TimeSpan.FromSeconds(20));
                // Two at once again: each decoder's idle time starts over.
                both = [Decode(pool, ["yes"]), Decode(pool, ["no"])];
                Bounded.Until(() => fakes.Decoding == 2);
                fakes.Release(2);
                await Task.WhenAll(both).Within();
            }
            clock.Advance(TimeSpan.FromSeconds(29));
            Assert.Equal(2, pool.ThreadCount);
            Assert.Equal(0, fakes.Disposed);
        }
        // Disposing frees every decoder but is not an idle freeing.
        Assert.Equal(2, fakes.Disposed);
        Assert.Equal(0, fakes.MemoryReleases);

        var keeping = new FakeDecoders();
        using var kept = keeping.Pool(new PocketSphinxOptions(Decoders: 2) { IdleDecoderTimeout = Timeout.InfiniteTimeSpan }, clock);
        var pair = new[] { Decode(kept, ["yes"]), Decode(kept, ["no"]) };
        Bounded.Until(() => keeping.Decoding == 2);
        keeping.Release(2);
        await Task.WhenAll(pair).Within();
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(2, kept.ThreadCount);
        Assert.Equal(0, keeping.Disposed);
    }

    [Fact]
    public async Task Only_the_dictation_decoders_load_the_language_model_and_hints_go_to_the_others_meanwhile()
    {
        var clock = new FakeTimeProvider();
        var fakes = new FakeDecoders();
        using var pool = fakes.Pool(new PocketSphinxOptions(Decoders: 2) { DictationDecoders = 1, IdleDecoderTimeout = Timeout.InfiniteTimeSpan }, clock);

        var dictation1 = Decode(pool, null);
        Bounded.Until(() => fakes.Decoding == 1);
        // The one dictation decoder is busy: a second dictation waits for it rather than load the model into another...
        var dictation2 = Decode(pool, []);
        Assert.Equal(1, pool.ThreadCount);
        Assert.Equal(1, pool.WaitingCount);
        // ...while an input with hints gets the other decoder at once.
        var hints = Decode(pool, ["yes"]);
        Bounded.Until(() => fakes.Decoding == 2);
        Assert.Equal(2, pool.ThreadCount);
        Assert.Equal(1, pool.WaitingCount);
        // Hints the dictionary does not know need the model: handed back for the dictation decoder, not loaded a second time.
        var unknown = Decode(pool, ["unknown"]);

        fakes.Release(10);
        var results = await Task.WhenAll(dictation1, dictation2, hints, unknown).Within();
        Assert.Equal(["dictation", "dictation", "yes", "dictation"], results.Select(r => r!.Text));
        Assert.Equal(1, pool.LanguageModelsLoaded);
        Assert.Equal(1, fakes.WithLanguageModel);
        Assert.Equal(2, pool.PeakConcurrency);
    }

    [Fact]
    public async Task A_dictation_decoder_has_the_language_model_dictionary_and_hints_it_lacks_go_to_a_decoder_with_the_full_one()
    {
        var clock = new FakeTimeProvider();
        var fakes = new FakeDecoders();
        using var pool = fakes.Pool(new PocketSphinxOptions(Decoders: 2) { DictationDecoders = 1, IdleDecoderTimeout = Timeout.InfiniteTimeSpan }, clock);

        var dictation = Decode(pool, null);
        fakes.Release(1);
        Assert.Equal("dictation", (await dictation.Within())!.Text);
        Assert.Equal(1, fakes.Limited);

        // Hints the limited dictionary has: decoded by the idle dictation decoder, no second decoder.
        var yes = Decode(pool, ["yes"]);
        fakes.Release(1);
        Assert.Equal("yes", (await yes.Within())!.Text);
        Assert.Equal(1, fakes.Created);

        // A hint only the full dictionary has: not dropped by the dictation decoder but decoded by a full one.
        var rare = Decode(pool, ["rare", "yes"]);
        fakes.Release(1);
        Assert.Equal("rare yes", (await rare.Within())!.Text);
        Assert.Equal(2, fakes.Created);
        Assert.Equal(1, fakes.Limited);
        Assert.Equal(1, pool.LanguageModelsLoaded);
    }

    [Fact]
    public async Task A_grammar_decoder_that_takes_dictation_is_rebuilt_with_the_language_model_dictionary_unless_every_decoder_may_hold_the_model()
    {
        var clock = new FakeTimeProvider();
        var fakes = new FakeDecoders();
        using (var pool = fakes.Pool(new PocketSphinxOptions(Decoders: 2) { DictationDecoders = 1, IdleDecoderTimeout = Timeout.InfiniteTimeSpan }, clock))
        {
            var yes = Decode(pool, ["yes"]);
            fakes.Release(1);
            await yes.Within();
            Assert.Equal(0, fakes.Limited);
            var dictation = Decode(pool, null);
            fakes.Release(1);
            Assert.Equal("dictation", (await dictation.Within())!.Text);
            Assert.Equal(1, pool.ThreadCount);
            Assert.Equal(2, fakes.Created);
            Assert.Equal(1, fakes.Disposed);
            Assert.Equal(1, fakes.Limited);
        }

        // One decoder (it must decode every grammar too), or the limit turned off: the full dictionary only.
        foreach (var options in new[] { new PocketSphinxOptions(Decoders: 1), new PocketSphinxOptions(Decoders: 2) { LimitDictationVocabulary = false } })
        {
            var full = new FakeDecoders();
            using var pool = full.Pool(options with { IdleDecoderTimeout = Timeout.InfiniteTimeSpan }, clock);
            var results = new[] { Decode(pool, null), Decode(pool, ["rare"]) };
            full.Release(2);
            Assert.Equal(["dictation", "rare"], (await Task.WhenAll(results).Within()).Select(r => r!.Text));
            Assert.Equal(0, full.Limited);
        }
    }

    [Fact]
    public async Task The_managed_heap_is_compacted_once_per_quiet_spell_and_never_while_an_utterance_decodes()
    {
        var clock = new FakeTimeProvider();
        var fakes = new FakeDecoders();
        using var pool = fakes.Pool(new PocketSphinxOptions(Decoders: 2) { IdleDecoderTimeout = TimeSpan.FromSeconds(30), IdleDecodersKept = 1 }, clock);

        // One decoder idle past the timeout while the other decodes: freed, but no compaction mid-spell.
        var first = Decode(pool, ["yes"]);
        var second = Decode(pool, ["no"]);
        Bounded.Until(() => fakes.Decoding == 2);
        fakes.Release(1);
        await Task.WhenAny(first, second).Within();
        clock.Advance(TimeSpan.FromSeconds(30));
        Bounded.Until(() => pool.IdleDecodersFreed == 1);
        Assert.Equal(0, fakes.Compactions);

        // The spell ends: one compaction (with the native hand-back) after the timeout, none after.
        fakes.Release(1);
        await Task.WhenAll(first, second).Within();
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, fakes.Compactions);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, fakes.Compactions);
        Assert.Equal(1, pool.ManagedCompactions);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, fakes.Compactions);
    }

    [Theory]
    [InlineData(-1, 1, 30, "DictationDecoders")]
    [InlineData(0, -1, 30, "IdleDecodersKept")]
    [InlineData(0, 1, 0, "IdleDecoderTimeout")]
    [InlineData(0, 1, -3, "IdleDecoderTimeout")]
    public void Out_of_range_memory_options_are_refused_naming_the_option(int dictation, int kept, double idleSeconds, string option)
    {
        var options = new PocketSphinxOptions { DictationDecoders = dictation, IdleDecodersKept = kept, IdleDecoderTimeout = TimeSpan.FromSeconds(idleSeconds) };
        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(option, error.ParamName);
    }

    [Theory]
    [InlineData(1, 0, 1)]
    [InlineData(2, 0, 1)]
    [InlineData(3, 0, 2)]
    [InlineData(4, 0, 2)]
    [InlineData(4, 3, 3)]
    [InlineData(2, 5, 2)]
    public void Dictation_decoders_default_to_half_the_decoders_rounded_up_and_never_exceed_them(int decoders, int dictation, int expected) =>
        Assert.Equal(expected, new PocketSphinxOptions(Decoders: decoders) { DictationDecoders = dictation }.DictationDecoderCount);

    private static Task<SpeechAlternative?> Decode(PocketSphinxWorkers pool, IReadOnlyList<string>? hints)
    {
        var audio = new UtteranceAudio(pool.ChunkPool);
        audio.Append(new short[160]);
        return pool.DecodeAsync(audio, hints, CancellationToken.None);
    }

    /// <summary>Fake decoders whose decodes block until the test releases them, counting loads, frees and memory releases.</summary>
    private sealed class FakeDecoders
    {
        private readonly SemaphoreSlim _go = new(0);
        private readonly List<Fake> _made = [];
        private int _decoding;
        private int _disposed;
        private int _releases;
        private int _compactions;

        public int Decoding => Volatile.Read(ref _decoding);

        public int Disposed => Volatile.Read(ref _disposed);

        public int MemoryReleases => Volatile.Read(ref _releases);

        public int Created
        {
            get
            {
                lock (_made)
                {
                    return _made.Count;
                }
            }
        }

        public int WithLanguageModel
        {
            get
            {
                lock (_made)
                {
                    return _made.Count(d => d.HasLanguageModel);
                }
            }
        }

        public int Compactions => Volatile.Read(ref _compactions);

        /// <summary>Decoders built with the language model's dictionary only.</summary>
        public int Limited
        {
            get
            {
                lock (_made)
                {
                    return _made.Count(d => d.LimitedVocabulary);
                }
            }
        }

        public PocketSphinxWorkers Pool(PocketSphinxOptions options, TimeProvider clock) =>
            new(options with { MaxDecoderWait = Timeout.InfiniteTimeSpan }, clock, Make, () => Interlocked.Increment(ref _releases),
                () => Interlocked.Increment(ref _compactions));

        public void Release(int decodes) => _go.Release(decodes);

        private Fake Make(bool limited)
        {
            var fake = new Fake(this, limited);
            lock (_made)
            {
                _made.Add(fake);
            }
            return fake;
        }

        /// <summary>
        /// "unknown" is in no dictionary, "rare" only in the full one (a word the language model lacks); every other word
        /// is in both.
        /// </summary>
        private sealed class Fake(FakeDecoders owner, bool limited) : IUtteranceDecoder
        {
            public bool HasLanguageModel { get; private set; }

            public bool LimitedVocabulary => limited;

            public string? GrammarFor(IReadOnlyList<string>? hints, out bool wordsMissing)
            {
                var known = hints?.Where(h => h != "unknown" && !(limited && h == "rare")).ToList() ?? [];
                wordsMissing = hints is not null && known.Count < hints.Count;
                return known.Count > 0 ? string.Join(' ', known) : null;
            }

            public SpeechAlternative? Decode(ReadOnlySpan<short> audio, string? grammar)
            {
                HasLanguageModel |= grammar is null;
                Interlocked.Increment(ref owner._decoding);
                try
                {
                    if (!owner._go.Wait(Bounded.Wait))
                    {
                        throw new TimeoutException("the test never released this decode");
                    }
                }
                finally
                {
                    Interlocked.Decrement(ref owner._decoding);
                }
                return new SpeechAlternative(grammar ?? "dictation", 1);
            }

            public void Dispose() => Interlocked.Increment(ref owner._disposed);
        }
    }
}
