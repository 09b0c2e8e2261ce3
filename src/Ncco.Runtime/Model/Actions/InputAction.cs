namespace Ncco.Model.Actions;

/// <summary>Collects key presses and/or speech and posts the result to <see cref="EventUrl"/>.</summary>
/// <param name="Type">What to listen for; required on the wire.</param>
public sealed record InputAction(InputTypes Type) : NccoAction
{
    /// <inheritdoc />
    public override string Name => ActionNames.Input;

    /// <summary>DTMF settings; only valid when <see cref="Type"/> includes DTMF. Absent means the defaults.</summary>
    public DtmfSettings? Dtmf { get; init; }

    /// <summary>Speech settings; only valid when <see cref="Type"/> includes speech. Absent means the defaults.</summary>
    public SpeechSettings? Speech { get; init; }

    /// <summary>Result webhook; absent means the call's event URL.</summary>
    public Uri? EventUrl { get; init; }

    /// <summary>Result webhook method. Default POST.</summary>
    public WebhookMethod EventMethod { get; init; } = WebhookMethod.Post;

    /// <summary>Synchronous (one result) or asynchronous (each digit as pressed). Default synchronous.</summary>
    public InputMode Mode { get; init; } = InputMode.Synchronous;
}

/// <summary>DTMF completion rules of an <c>input</c> action.</summary>
public sealed record DtmfSettings
{
    /// <summary>The documented default for <see cref="TimeOut"/>, in seconds.</summary>
    public const int DefaultTimeOut = 3;

    /// <summary>The documented default for <see cref="MaxDigits"/>.</summary>
    public const int DefaultMaxDigits = 4;

    /// <summary>Seconds of inactivity after the last key before the result is submitted (0–10). Default 3.</summary>
    public int TimeOut { get; init; } = DefaultTimeOut;

    /// <summary>Submit when this many digits were pressed (1–20). Default 4.</summary>
    public int MaxDigits { get; init; } = DefaultMaxDigits;

    /// <summary>Submit when <c>#</c> is pressed. Default false.</summary>
    public bool SubmitOnHash { get; init; }
}

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
