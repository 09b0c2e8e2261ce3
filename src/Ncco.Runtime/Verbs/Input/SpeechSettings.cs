namespace Ncco.Model.Actions;

/// <summary>Speech recognition settings of an <c>input</c> action.</summary>
public sealed record SpeechSettings
{
    /// <summary>The documented default for <see cref="EndOnSilence"/>, in seconds.</summary>
    public const double DefaultEndOnSilence = 2.0;

    /// <summary>The documented default for <see cref="StartTimeout"/>, in seconds.</summary>
    public const int DefaultStartTimeout = 10;

    /// <summary>The documented default for <see cref="MaxDuration"/>, in seconds.</summary>
    public const int DefaultMaxDuration = 60;

    /// <summary>The documented default for <see cref="Sensitivity"/>.</summary>
    public const int DefaultSensitivity = 90;

    /// <summary>The leg whose audio is recognised; absent means the first leg that joined.</summary>
    public string? Uuid { get; init; }

    /// <summary>Seconds of silence that end the utterance (0.4–10). Default 2.</summary>
    public double EndOnSilence { get; init; } = DefaultEndOnSilence;

    /// <summary>Recognition language (BCP-47). Default <c>en-US</c>.</summary>
    public string Language { get; init; } = TalkAction.DefaultLanguage;

    /// <summary>Hint phrases that improve recognition.</summary>
    public EquatableList<string> Context { get; init; } = EquatableList<string>.Empty;

    /// <summary>Seconds to wait for speech to start (1–60). Default 10.</summary>
    public int StartTimeout { get; init; } = DefaultStartTimeout;

    /// <summary>Maximum utterance length in seconds (1–60). Default 60.</summary>
    public int MaxDuration { get; init; } = DefaultMaxDuration;

    /// <summary>Include a <c>recording_url</c> of the utterance in the result. Default false.</summary>
    public bool SaveAudio { get; init; }

    /// <summary>Noise versus speech threshold (10–100). Default 90.</summary>
    public int Sensitivity { get; init; } = DefaultSensitivity;

    /// <summary>Third-party ASR provider name; requires <see cref="ProviderOptions"/>.</summary>
    public string? Provider { get; init; }

    /// <summary>Provider-specific options, kept as raw JSON.</summary>
    public JsonValue? ProviderOptions { get; init; }
}
