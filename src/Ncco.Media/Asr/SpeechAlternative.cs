namespace Ncco.Media.Asr;

/// <summary>One recognition hypothesis.</summary>
/// <param name="Text">Recognised words.</param>
/// <param name="Confidence">0–1 when the engine provides one, otherwise null.</param>
public sealed record SpeechAlternative(string Text, double? Confidence);
