namespace Ncco.Media.Asr;

/// <summary>
/// One decoder of <see cref="PocketSphinxWorkers"/>: decodes one whole utterance at a time, on the thread that created it.
/// An interface so the pool's scheduling and idle freeing can be tested without pocketsphinx's load times.
/// </summary>
internal interface IUtteranceDecoder : IDisposable
{
    /// <summary>Whether the language model (open dictation) is loaded.</summary>
    bool HasLanguageModel { get; }

    /// <summary>Whether the dictionary holds only the language model's words (<see cref="DictationDictionary"/>).</summary>
    bool LimitedVocabulary { get; }

    /// <summary>The grammar for <paramref name="hints"/>, or null when the utterance needs the language model (no hints, or none the dictionary knows).</summary>
    /// <param name="hints">The input's <c>context</c> phrases (null or empty: none).</param>
    /// <param name="wordsMissing">Some hint phrase was left out for a word this decoder's dictionary lacks.</param>
    string? GrammarFor(IReadOnlyList<string>? hints, out bool wordsMissing);

    /// <summary>Decodes 16 kHz audio with <paramref name="grammar"/>, or with the language model (loaded if needed) when it is null.</summary>
    SpeechAlternative? Decode(ReadOnlySpan<short> audio, string? grammar);
}
