namespace Ncco.Media.Asr;

/// <summary>Where the pocketsphinx model is, how many decoders decode at once and how many utterances may wait.</summary>
/// <param name="ModelDirectory">Debian's pocketsphinx-en-us model directory.</param>
/// <param name="Decoders">
/// Decoders, each on a thread of its own that loads it once and keeps it (a decoder holds the acoustic model, the language
/// model, the dictionary and the search built over them, ≈ 100 MB of RSS, and takes ≈ 0.3–1.3 s to load). This is the whole of pocketsphinx's memory however
/// many calls listen: a call only buffers its utterance, and decoding takes ≈ 0.1 s of CPU per second of speech. 0 (the
/// default) means one per processor, at most 4.
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

    /// <summary>The number of decoders <see cref="Decoders"/> resolves to on this machine.</summary>
    public int DecoderCount => Decoders > 0 ? Decoders : Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>Acoustic model directory.</summary>
    public string AcousticModel => Path.Combine(ModelDirectory, "en-us");

    /// <summary>Language model for open dictation (used when no hints are given).</summary>
    public string LanguageModel => Path.Combine(ModelDirectory, "en-us.lm.bin");

    /// <summary>Pronunciation dictionary.</summary>
    public string Dictionary => Path.Combine(ModelDirectory, "cmudict-en-us.dict");
}
