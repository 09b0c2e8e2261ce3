namespace Ncco.Legs;

/// <summary>A speech <c>input</c> asking the media plane to recognise a leg's audio (the <c>speech</c> settings).</summary>
/// <param name="LegId">Leg whose inbound audio is recognised; results are reported to its sink.</param>
/// <param name="Language">BCP-47 language.</param>
/// <param name="Context">Hint phrases.</param>
/// <param name="StartTimeout">Seconds to wait for speech to start.</param>
/// <param name="EndOnSilence">Seconds of silence that end the utterance.</param>
/// <param name="MaxDuration">Longest utterance in seconds.</param>
/// <param name="Sensitivity">Voice-activity sensitivity 0–100.</param>
public sealed record MediaListenRequest(string LegId, string Language, IReadOnlyList<string> Context, double StartTimeout, double EndOnSilence, double MaxDuration, int Sensitivity)
{
    /// <summary>Keep the utterance's audio as a file and report its id with the result (<c>saveAudio</c>).</summary>
    public bool SaveAudio { get; init; }

    /// <summary>The conversation of the input (whose application owns a saved file).</summary>
    public string? ConversationId { get; init; }
}
