namespace Ncco.Media.Tts;

/// <summary>
/// What makes two syntheses the same audio: the text, the voice (language, style, premium, legacy voice name) and the
/// output rate. Level and loop are applied at playback, so prompts that differ only in those share one rendering.
/// </summary>
/// <param name="Text">The text or SSML, exactly as requested.</param>
/// <param name="Language">BCP-47 language code.</param>
/// <param name="Style">Voice variant.</param>
/// <param name="Premium">Premium flag (part of the key even where the engine ignores it, so a real premium voice would not be confused with the standard one).</param>
/// <param name="VoiceName">Deprecated voice name, or null.</param>
/// <param name="SampleRate">Rate of the rendered samples.</param>
public sealed record TtsCacheKey(string Text, string Language, int Style, bool Premium, string? VoiceName, int SampleRate)
{
    /// <summary>The key of <paramref name="request"/> rendered at <paramref name="sampleRate"/>.</summary>
    public static TtsCacheKey For(TtsRequest request, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new(request.Text, request.Language, request.Style, request.Premium, request.VoiceName, sampleRate);
    }
}
