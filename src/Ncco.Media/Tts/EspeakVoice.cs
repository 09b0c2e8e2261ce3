namespace Ncco.Media.Tts;

/// <summary>An espeak-ng voice resolved from a language and style.</summary>
/// <param name="Language">The requested BCP-47 code (normalised).</param>
/// <param name="Style">Requested style.</param>
/// <param name="Voice">espeak-ng voice (language) name, e.g. <c>en-us</c>.</param>
/// <param name="Variant">espeak-ng variant, e.g. <c>f1</c>.</param>
/// <param name="IsApproximation">True when espeak-ng has no voice for that exact locale and a related one is used.</param>
public sealed record EspeakVoice(string Language, int Style, string Voice, string Variant, bool IsApproximation)
{
    /// <summary>The name passed to <c>espeak_SetVoiceByName</c>: <c>voice+variant</c>.</summary>
    public string EspeakName => $"{Voice}+{Variant}";
}
