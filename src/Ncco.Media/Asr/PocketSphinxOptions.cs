namespace Ncco.Media.Asr;

/// <summary>Where the pocketsphinx model is, how many decoders decode at once and how many utterances may wait.</summary>
/// <param name="ModelDirectory">Debian's pocketsphinx-en-us model directory.</param>
/// <param name="Decoders">
/// Decoders, each on a thread of its own that loads it once and keeps it (a decoder holds the acoustic model, the
/// dictionary and the searches built over them, ≈ 28 MB of RSS, plus ≈ 63 MB for the language model and its search once it
/// decodes an utterance without <c>context</c> hints; loading takes ≈ 0.3–1.3 s). This is the whole of pocketsphinx's memory
/// however many calls listen: a call only buffers its utterance, and decoding takes ≈ 0.1 s of CPU per second of speech.
/// 0 (the default) means one per processor, at most 4: more decoders than cores decode no faster, and each costs up to
/// ≈ 91 MB.
/// </param>
/// <param name="BandFillRms">RMS of the noise put into the empty 4–8 kHz band of up-sampled narrow-band audio (0 = none).</param>
public sealed record PocketSphinxOptions(string ModelDirectory = "/usr/share/pocketsphinx/model/en-us", int Decoders = 0, double BandFillRms = 250)
{
    /// <summary>
    /// Most utterances waiting for a decoder (FIFO) before <see cref="ISpeechRecognitionStream.FinishAsync"/> refuses more with
    /// <see cref="InvalidOperationException"/>, which a speech input reports as its error. A waiting utterance costs only its
    /// own audio (32 KB per second of speech).
    /// </summary>
    public int MaxWaitingUtterances { get; init; } = 256;

    /// <summary>
    /// Longest an utterance waits for a decoder before <see cref="ISpeechRecognitionStream.FinishAsync"/> fails with
    /// <see cref="TimeoutException"/> (the speech input reports it as its error). Default 30 s: long enough that a
    /// machine that is merely slow still answers (measured: six utterances on two decoders waited over 10 s on 2 cores at
    /// load average 40), short enough that a caller is never left in silence without bound when decoding cannot keep up.
    /// Decoding itself is not bounded by it. <see cref="Timeout.InfiniteTimeSpan"/> waits as long as it takes.
    /// </summary>
    public TimeSpan MaxDecoderWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Most decoders that hold the language model (open dictation: inputs without <c>context</c> hints); 0 (the default)
    /// means half of <see cref="DecoderCount"/>, rounded up. The model and its search cost ≈ 63 MB per decoder on top of its
    /// ≈ 28 MB, and cannot be shared between decoders running at once (sphinxbase's n-gram trie writes score caches on
    /// every lookup), so this is the lever on dictation's memory: dictation utterances wait for one of these decoders while
    /// the others decode inputs with hints. Above <see cref="DecoderCount"/> it means all of them.
    /// </summary>
    public int DictationDecoders { get; init; }

    /// <summary>
    /// Whether the decoders that hold the language model load a pronunciation dictionary cut to the model's words
    /// (≈ 13 MB less per such decoder, 78 instead of 91 MB, the same dictation results).
    /// Default true. It applies only when some decoders never hold the model (<see cref="DecoderCount"/> above
    /// <see cref="DictationDecoderCount"/>): an input whose hints name a word outside the model goes to one of those, which
    /// have the full dictionary, so hints are decoded the same whichever decoder takes them.
    /// </summary>
    public bool LimitDictationVocabulary { get; init; } = true;

    /// <summary>
    /// How long a decoder may sit idle before it is freed and its memory handed back to the operating system, keeping
    /// <see cref="IdleDecodersKept"/>. Default 30 s. <see cref="Timeout.InfiniteTimeSpan"/> keeps every decoder once loaded.
    /// </summary>
    public TimeSpan IdleDecoderTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Decoders kept loaded however long they are idle (the most recently used ones, as loaded, language model included),
    /// so the first utterance after a quiet spell does not pay a decoder's load (≈ 0.3–1.3 s). Default 1.
    /// </summary>
    public int IdleDecodersKept { get; init; } = 1;

    /// <summary>The number of decoders <see cref="Decoders"/> resolves to on this machine.</summary>
    public int DecoderCount => Decoders > 0 ? Decoders : Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>The number of decoders that may hold the language model (<see cref="DictationDecoders"/> resolved).</summary>
    public int DictationDecoderCount => DictationDecoders > 0 ? Math.Min(DictationDecoders, DecoderCount) : (DecoderCount + 1) / 2;

    /// <summary>
    /// Whether the dictation decoders get the dictionary cut to the language model's words: <see cref="LimitDictationVocabulary"/>,
    /// and a decoder left that never holds the model (for hints the cut dictionary lacks).
    /// </summary>
    internal bool LimitsDictationVocabulary => LimitDictationVocabulary && DecoderCount > DictationDecoderCount;

    /// <summary>Checks the bounds; throws <see cref="ArgumentOutOfRangeException"/> naming the one out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Decoders);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxWaitingUtterances, 1);
        if (MaxDecoderWait <= TimeSpan.Zero && MaxDecoderWait != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDecoderWait), MaxDecoderWait, "must be positive, or Timeout.InfiniteTimeSpan for no bound");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(DictationDecoders);
        ArgumentOutOfRangeException.ThrowIfNegative(IdleDecodersKept);
        if (IdleDecoderTimeout <= TimeSpan.Zero && IdleDecoderTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(IdleDecoderTimeout), IdleDecoderTimeout, "must be positive, or Timeout.InfiniteTimeSpan to keep decoders");
        }
    }

    /// <summary>Acoustic model directory.</summary>
    public string AcousticModel => Path.Combine(ModelDirectory, "en-us");

    /// <summary>Language model for open dictation (used when no hints are given).</summary>
    public string LanguageModel => Path.Combine(ModelDirectory, "en-us.lm.bin");

    /// <summary>Pronunciation dictionary.</summary>
    public string Dictionary => Path.Combine(ModelDirectory, "cmudict-en-us.dict");
}
