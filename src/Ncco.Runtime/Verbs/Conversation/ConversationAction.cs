namespace Ncco.Model.Actions;

/// <summary>Joins the leg to a named conversation (conference room) scoped to the application.</summary>
/// <param name="ConversationName">The room name; the same name means the same conversation.</param>
public sealed record ConversationAction(string ConversationName) : NccoAction
{
    /// <summary>
    /// Participants allowed in one conversation by default (the platform's documented limit); a host may set another
    /// (<see cref="Calls.NccoVmOptions.MaxConversationParticipants"/>).
    /// </summary>
    public const int MaxParticipants = 50;

    /// <inheritdoc />
    public override string Name => ActionNames.Conversation;

    /// <summary>Music played to participants until the conversation starts.</summary>
    public Uri? MusicOnHoldUrl { get => _musicOnHoldUrl.Value; init => _musicOnHoldUrl = new(value); }

    /// <summary>Binding from validated JSON: the URL kept as text until <see cref="MusicOnHoldUrl"/> is read.</summary>
    internal LazyUrl LazyMusicOnHoldUrl { init => _musicOnHoldUrl = value; }

    private LazyUrl _musicOnHoldUrl;

    /// <summary>This participant starts the conversation. Default true; false for attendees awaiting a moderator.</summary>
    public bool StartOnEnter { get; init; } = true;

    /// <summary>The conversation ends when this leg leaves. Default false.</summary>
    public bool EndOnExit { get; init; }

    /// <summary>Record the conversation (MP3). Default false.</summary>
    public bool Record { get; init; }

    /// <summary>Legs that can hear this participant; null means all, empty means none.</summary>
    public EquatableList<string>? CanSpeak { get; init; }

    /// <summary>Legs this participant hears; null means all, empty means none.</summary>
    public EquatableList<string>? CanHear { get; init; }

    /// <summary>This participant's audio is neither mixed nor recorded. Not allowed with <see cref="CanSpeak"/>.</summary>
    public bool Mute { get; init; }

    /// <summary>Recording webhook; absent means the call's event URL.</summary>
    public Uri? EventUrl { get => _eventUrl.Value; init => _eventUrl = new(value); }

    /// <summary>Binding from validated JSON: the URL kept as text until <see cref="EventUrl"/> is read.</summary>
    internal LazyUrl LazyEventUrl { init => _eventUrl = value; }

    private LazyUrl _eventUrl;

    /// <summary>Webhook method. Default POST.</summary>
    public WebhookMethod EventMethod { get; init; } = WebhookMethod.Post;

    /// <summary>Transcribe the conversation recording; requires <see cref="Record"/>.</summary>
    public TranscriptionSettings? Transcription { get; init; }
}
