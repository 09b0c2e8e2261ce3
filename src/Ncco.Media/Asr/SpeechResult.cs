namespace Ncco.Media.Asr;

/// <summary>Outcome of one speech input.</summary>
/// <param name="Results">Hypotheses, best first (empty when nothing was said or recognised).</param>
/// <param name="TimeoutReason">One of <see cref="SpeechTimeoutReason"/>.</param>
/// <param name="SpeechDuration">Length of the audio sent to the recogniser.</param>
/// <param name="Error">Recogniser failure message (the input still completes), or null.</param>
public sealed record SpeechResult(IReadOnlyList<SpeechAlternative> Results, string TimeoutReason, TimeSpan SpeechDuration, string? Error = null);
