namespace Ncco.Calls;

/// <summary>Something the party said, as reported by its leg.</summary>
/// <param name="Text">Recognised text.</param>
/// <param name="Confidence">0–1.</param>
/// <param name="Duration">How long the utterance lasted.</param>
/// <param name="AudioFileId">The saved audio of the utterance (speech input with <c>saveAudio</c> on a media plane), or null.</param>
public sealed record Utterance(string Text, double Confidence, TimeSpan Duration, string? AudioFileId = null);
