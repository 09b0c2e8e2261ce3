using Ncco.Legs;

namespace Ncco.Testing;

/// <summary>Something a virtual leg heard, with virtual timestamps.</summary>
/// <param name="At">When it started playing.</param>
/// <param name="Playback">What was played.</param>
public sealed record HeardItem(DateTimeOffset At, Playback Playback)
{
    /// <summary>When it was stopped early (barge-in, REST stop, hangup), if it was.</summary>
    public DateTimeOffset? StoppedAt { get; internal set; }

    /// <summary>When it finished all its loops, if it did.</summary>
    public DateTimeOffset? FinishedAt { get; internal set; }

    /// <summary>Human-readable description (text, URL or digits).</summary>
    public string Describe() => Playback.Kind switch
    {
        PlaybackKind.Talk => $"talk \"{Playback.Text}\"",
        PlaybackKind.Stream => $"stream {Playback.Url}",
        PlaybackKind.Beep => "beep",
        PlaybackKind.Dtmf => $"dtmf {Playback.Text}",
        PlaybackKind.MusicOnHold => $"music on hold {Playback.Url}",
        PlaybackKind.Ringback => $"ringback {Playback.Url}",
        PlaybackKind.ConversationAudio => $"{Playback.SourceLegId} says \"{Playback.Text}\"",
        _ => Playback.Kind.ToString(),
    };
}
