namespace Ncco.Legs;

/// <summary>What kind of audio the VM asks a leg to play.</summary>
public enum PlaybackKind
{
    /// <summary>Text-to-speech from a <c>talk</c> action or the REST talk operation.</summary>
    Talk,
    /// <summary>An audio file from a <c>stream</c> action or the REST stream operation.</summary>
    Stream,
    /// <summary>The beep of <c>record.beepStart</c>.</summary>
    Beep,
    /// <summary>DTMF tones (REST dtmf, <c>dtmfAnswer</c>).</summary>
    Dtmf,
    /// <summary>Conversation music on hold.</summary>
    MusicOnHold,
    /// <summary>Connect ringback tone.</summary>
    Ringback,
    /// <summary>Audio spoken by another participant of the leg's conversation.</summary>
    ConversationAudio,
}

/// <summary>One thing played to a leg. Semantic (text, URL, who spoke) so virtual legs need no audio.</summary>
/// <param name="Id">Unique id; the leg reports <c>PlaybackFinished(Id)</c> when done (unless stopped or looping forever).</param>
/// <param name="Kind">What kind of audio.</param>
public sealed record Playback(long Id, PlaybackKind Kind)
{
    /// <summary>Text for talk, digits for DTMF, utterance for conversation audio.</summary>
    public string? Text { get; init; }
    /// <summary>Audio URL for stream, music on hold, ringback.</summary>
    public Uri? Url { get; init; }
    /// <summary>TTS language.</summary>
    public string? Language { get; init; }
    /// <summary>TTS style.</summary>
    public int Style { get; init; }
    /// <summary>Premium TTS.</summary>
    public bool Premium { get; init; }
    /// <summary>Repetitions; 0 = until stopped.</summary>
    public int Loop { get; init; } = 1;
    /// <summary>Volume −1…1.</summary>
    public double Level { get; init; }
    /// <summary>Whether the VM will stop this playback when the caller barges in.</summary>
    public bool BargeIn { get; init; }
    /// <summary>For conversation audio: the leg uuid that spoke.</summary>
    public string? SourceLegId { get; init; }
    /// <summary>Duration of one loop when the VM knows it (conversation audio), else null.</summary>
    public TimeSpan? KnownDuration { get; init; }
}
