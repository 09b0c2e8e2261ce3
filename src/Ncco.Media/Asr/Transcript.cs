namespace Ncco.Media.Asr;

/// <summary>One recognised word. Times are from the start of the recording.</summary>
/// <param name="Word">The word.</param>
/// <param name="Start">Where it starts.</param>
/// <param name="End">Where it ends.</param>
/// <param name="Confidence">0–1 when the engine gives one.</param>
public sealed record TranscriptWord(string Word, TimeSpan Start, TimeSpan End, double? Confidence);

/// <summary>One stretch of speech between pauses, recognised as a whole.</summary>
/// <param name="Text">What was said.</param>
/// <param name="Start">Where the stretch starts in the recording.</param>
/// <param name="Duration">How long it lasts.</param>
/// <param name="Confidence">0–1 when the engine gives one.</param>
/// <param name="Words">Its words, in order.</param>
public sealed record TranscriptSentence(string Text, TimeSpan Start, TimeSpan Duration, double? Confidence, IReadOnlyList<TranscriptWord> Words);

/// <summary>The transcript of one channel of a recording.</summary>
/// <param name="Sentences">What was said, in order.</param>
/// <param name="Duration">Length of the channel's audio.</param>
public sealed record TranscriptChannel(IReadOnlyList<TranscriptSentence> Sentences, TimeSpan Duration);
