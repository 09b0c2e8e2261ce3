namespace Ncco.Media.Asr;

/// <summary>Outcome of one speech input.</summary>
/// <param name="Results">Hypotheses, best first (empty when nothing was said or recognised).</param>
/// <param name="TimeoutReason">One of <see cref="SpeechTimeoutReason"/>.</param>
/// <param name="SpeechDuration">Length of the audio sent to the recogniser.</param>
/// <param name="Error">Recogniser failure message (the input still completes), or null.</param>
public sealed record SpeechResult(IReadOnlyList<SpeechAlternative> Results, string TimeoutReason, TimeSpan SpeechDuration, string? Error = null)
{
    /// <summary>
    /// The audio the endpointer took for an utterance held no speech: the recogniser found nothing in it, or nothing at
    /// <see cref="AsrSettings.MinConfidence"/> or above. A speech input then goes on waiting for speech under its start
    /// timeout, as if it had heard nothing (Vonage reports <c>start_timeout</c> with no results when nothing was said).
    /// </summary>
    public bool NoSpeech => Results.Count == 0 && Error is null && TimeoutReason != SpeechTimeoutReason.StartTimeout;
}
