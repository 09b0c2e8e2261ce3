namespace Ncco.Model.Actions;

/// <summary>
/// Speaks text (or SSML wrapped in <c>&lt;speak&gt;</c>) with text-to-speech. The deprecated <c>voiceName</c>
/// is accepted on the wire and translated to <see cref="Language"/> and <see cref="Style"/> when read, so the
/// model (and everything written from it) carries only the current spelling.
/// </summary>
/// <param name="Text">Plain text or SSML; at most 1500 characters outside SSML tags.</param>
public sealed record TalkAction(string Text) : NccoAction
{
    /// <summary>The documented default for <see cref="Loop"/>.</summary>
    public const int DefaultLoop = 1;

    /// <summary>The documented default for <see cref="Language"/>.</summary>
    public const string DefaultLanguage = "en-US";

    /// <inheritdoc />
    public override string Name => ActionNames.Talk;

    /// <summary>When true the NCCO moves on while the text plays, and the next <c>input</c> stops it.</summary>
    public bool BargeIn { get; init; }

    /// <summary>How many times to play the text; 0 repeats until the call ends. Default 1.</summary>
    public int Loop { get; init; } = DefaultLoop;

    /// <summary>Volume from −1 to 1 in 0.1 steps. Default 0.</summary>
    public double Level { get; init; }

    /// <summary>BCP-47 language code of the voice. Default <c>en-US</c>.</summary>
    public string Language { get; init; } = DefaultLanguage;

    /// <summary>Voice variant for the language. Default 0.</summary>
    public int Style { get; init; }

    /// <summary>Use the premium variant of the style where one exists.</summary>
    public bool Premium { get; init; }

    /// <summary>Third-party TTS provider name (newest API addition); requires <see cref="ProviderOptions"/>.</summary>
    public string? Provider { get; init; }

    /// <summary>Provider-specific options, kept as raw JSON.</summary>
    public JsonValue? ProviderOptions { get; init; }
}
