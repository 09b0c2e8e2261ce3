namespace Ncco.Media.Asr;

/// <summary>
/// The media half of NCCO <c>input.speech</c>. The host maps the action onto this record.
/// </summary>
/// <param name="Language">BCP-47 code (reference §5.3), default en-US.</param>
/// <param name="Context">Hint phrases; recognisers bias toward them (pocketsphinx: a grammar of the phrases).</param>
/// <param name="StartTimeout">Wait for speech to start (1–60 s, default 10).</param>
/// <param name="EndOnSilence">Silence that ends the utterance (0.4–10 s, default 2).</param>
/// <param name="MaxDuration">Longest utterance (1–60 s, default 60).</param>
/// <param name="Sensitivity">Voice-activity sensitivity (0–100, default 90; higher hears quieter speech).</param>
/// <param name="MinConfidence">
/// Recognition results whose confidence per word (<see cref="SpeechInputSession.PerWordConfidence"/>) is below this (0–1,
/// default <see cref="DefaultMinConfidence"/>) are not speech: a
/// recogniser handed noise still returns its nearest word at a tiny confidence (pocketsphinx heard "what" at 0.02 in a
/// noise-suppressed breath). An utterance left with no result counts as nothing said (see <see cref="SpeechResult.NoSpeech"/>).
/// 0 keeps every result.
/// </param>
public sealed record AsrSettings(
    string Language = "en-US",
    IReadOnlyList<string>? Context = null,
    double StartTimeout = 10,
    double EndOnSilence = 2,
    double MaxDuration = 60,
    int Sensitivity = 90,
    double MinConfidence = AsrSettings.DefaultMinConfidence)
{
    /// <summary>
    /// The default <see cref="MinConfidence"/>. Measured with this host's pocketsphinx (<c>Ncco.Media.Tests/Asr/SpeechGateTests</c>):
    /// espeak-ng words in a hint grammar score 1, open-dictation sentences 0.2–0.36 per word; the words it makes of a
    /// breath or noise 0.02–0.094 ("what" at 0.02 on Chromium's microphone path).
    /// </summary>
    public const double DefaultMinConfidence = 0.1;

    /// <summary>Checks ranges; throws <see cref="ArgumentException"/> naming the field.</summary>
    public AsrSettings Validate()
    {
        if (StartTimeout is < 1 or > 60)
        {
            throw new ArgumentException($"startTimeout must be 1-60 s, got {StartTimeout}", nameof(StartTimeout));
        }
        if (EndOnSilence is < 0.4 or > 10)
        {
            throw new ArgumentException($"endOnSilence must be 0.4-10 s, got {EndOnSilence}", nameof(EndOnSilence));
        }
        if (MaxDuration is < 1 or > 60)
        {
            throw new ArgumentException($"maxDuration must be 1-60 s, got {MaxDuration}", nameof(MaxDuration));
        }
        if (Sensitivity is < 0 or > 100)
        {
            throw new ArgumentException($"sensitivity must be 0-100, got {Sensitivity}", nameof(Sensitivity));
        }
        if (MinConfidence is < 0 or > 1 || double.IsNaN(MinConfidence))
        {
            throw new ArgumentException($"minConfidence must be 0-1, got {MinConfidence}", nameof(MinConfidence));
        }
        if (string.IsNullOrWhiteSpace(Language))
        {
            throw new ArgumentException("language must not be empty", nameof(Language));
        }
        return this;
    }
}
