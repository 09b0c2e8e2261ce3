namespace Ncco.Media.Asr;

/// <summary>Where the pocketsphinx model is and how many decoders to keep warm.</summary>
/// <param name="ModelDirectory">Debian's pocketsphinx-en-us model directory.</param>
/// <param name="MaxIdleDecoders">Decoders kept for reuse (each holds the acoustic model, ~20 MB, and takes ~0.3 s to create).</param>
/// <param name="BandFillRms">RMS of the noise put into the empty 4–8 kHz band of up-sampled narrow-band audio (0 = none).</param>
public sealed record PocketSphinxOptions(string ModelDirectory = "/usr/share/pocketsphinx/model/en-us", int MaxIdleDecoders = 4, double BandFillRms = 250)
{
    /// <summary>Acoustic model directory.</summary>
    public string AcousticModel => Path.Combine(ModelDirectory, "en-us");

    /// <summary>Language model for open dictation (used when no hints are given).</summary>
    public string LanguageModel => Path.Combine(ModelDirectory, "en-us.lm.bin");

    /// <summary>Pronunciation dictionary.</summary>
    public string Dictionary => Path.Combine(ModelDirectory, "cmudict-en-us.dict");
}
