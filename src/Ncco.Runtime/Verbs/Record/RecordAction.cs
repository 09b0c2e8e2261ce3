namespace Ncco.Model.Actions;

/// <summary>
/// Records the call. With a stop condition (<see cref="EndOnSilence"/>, <see cref="EndOnKey"/>,
/// <see cref="Timeout"/>) the NCCO waits for it; without one the recording runs in the background until
/// the call ends (current documented behaviour, reference §1.3).
/// </summary>
public sealed record RecordAction : NccoAction
{
    /// <summary>The longest recording the platform makes, in seconds.</summary>
    public const int MaxTimeout = 7200;

    /// <inheritdoc />
    public override string Name => ActionNames.Record;

    /// <summary>File format; absent means MP3, or WAV above two channels.</summary>
    public RecordingFormat? Format { get; init; }

    /// <summary>Record each leg on its own channel (<c>split: "conversation"</c>).</summary>
    public bool SplitConversation { get; init; }

    /// <summary>Number of per-leg channels (1–32); requires <see cref="SplitConversation"/>.</summary>
    public int? Channels { get; init; }

    /// <summary>Stop after this many seconds of silence (3–10).</summary>
    public int? EndOnSilence { get; init; }

    /// <summary>Stop when this key is pressed (<c>0</c>–<c>9</c>, <c>*</c>, <c>#</c>).</summary>
    public char? EndOnKey { get; init; }

    /// <summary>Maximum length in seconds (3–7200).</summary>
    public int? Timeout { get; init; }

    /// <summary>Play a beep when recording starts. Default false.</summary>
    public bool BeepStart { get; init; }

    /// <summary>Recording-finished webhook; absent means the call's event URL.</summary>
    public Uri? EventUrl { get => _eventUrl.Value; init => _eventUrl = new(value); }

    /// <summary>Binding from validated JSON: the URL kept as text until <see cref="EventUrl"/> is read.</summary>
    internal LazyUrl LazyEventUrl { init => _eventUrl = value; }

    private LazyUrl _eventUrl;

    /// <summary>Webhook method. Default POST.</summary>
    public WebhookMethod EventMethod { get; init; } = WebhookMethod.Post;

    /// <summary>Transcribe the recording; presence enables transcription.</summary>
    public TranscriptionSettings? Transcription { get; init; }

    /// <summary>True when any stop condition is set, so the NCCO waits for the recording to finish.</summary>
    public bool IsBlocking => EndOnSilence is not null || EndOnKey is not null || Timeout is not null;

    /// <summary>The file format that will actually be written.</summary>
    public RecordingFormat EffectiveFormat => Format ?? (Channels > 2 ? RecordingFormat.Wav : RecordingFormat.Mp3);
}
