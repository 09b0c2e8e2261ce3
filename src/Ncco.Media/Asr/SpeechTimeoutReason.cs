namespace Ncco.Media.Asr;

/// <summary>The <c>speech.timeout_reason</c> values of the input event.</summary>
public static class SpeechTimeoutReason
{
    /// <summary>The caller stopped talking for <c>endOnSilence</c>.</summary>
    public const string EndOnSilence = "end_on_silence_timeout";

    /// <summary>The utterance reached <c>maxDuration</c>.</summary>
    public const string MaxDuration = "max_duration";

    /// <summary>Nothing was said within <c>startTimeout</c>.</summary>
    public const string StartTimeout = "start_timeout";
}
