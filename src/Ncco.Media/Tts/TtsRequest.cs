namespace Ncco.Media.Tts;

/// <summary>
/// What to say (the media half of NCCO <c>talk</c>). The media engine does not depend on Ncco.Runtime: the host maps
/// the action onto this record.
/// </summary>
/// <param name="Text">Plain text, or SSML wrapped in <c>&lt;speak&gt;</c>; at most 1500 characters excluding tags.</param>
/// <param name="Language">BCP-47 code (reference §5.1), default en-US.</param>
/// <param name="Style">Voice variant, default 0.</param>
/// <param name="Premium">Ask for the premium variant (espeak-ng has none: same voice, documented).</param>
/// <param name="Level">Volume −1…1.</param>
/// <param name="Loop">Repetitions; 0 = until stopped.</param>
/// <param name="VoiceName">Deprecated voice name (§5.2); when set it overrides <paramref name="Language"/> and <paramref name="Style"/>.</param>
public sealed record TtsRequest(
    string Text,
    string Language = "en-US",
    int Style = 0,
    bool Premium = false,
    double Level = 0,
    int Loop = 1,
    string? VoiceName = null)
{
    /// <summary>Maximum text length excluding SSML tags.</summary>
    public const int MaxTextLength = 1500;

    /// <summary>Whether the text is SSML.</summary>
    public bool IsSsml => Text.TrimStart().StartsWith("<speak", StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks the request; throws <see cref="ArgumentException"/> naming the field and the reason.</summary>
    public TtsRequest Validate()
    {
        if (string.IsNullOrWhiteSpace(Text))
        {
            throw new ArgumentException("text is required", nameof(Text));
        }
        var spoken = IsSsml ? System.Text.RegularExpressions.Regex.Replace(Text, "<[^>]*>", string.Empty) : Text;
        if (spoken.Length > MaxTextLength)
        {
            throw new ArgumentException($"text is {spoken.Length} characters, the limit is {MaxTextLength} (SSML tags excluded)", nameof(Text));
        }
        if (double.IsNaN(Level) || Level is < -1 or > 1)
        {
            throw new ArgumentException($"level must be between -1 and 1, got {Level}", nameof(Level));
        }
        if (Loop < 0)
        {
            throw new ArgumentException($"loop must be 0 (infinite) or more, got {Loop}", nameof(Loop));
        }
        if (Style < 0)
        {
            throw new ArgumentException($"style must be 0 or more, got {Style}", nameof(Style));
        }
        return this;
    }
}
