using Ncco.Calls;
using Ncco.Legs;

namespace Ncco.Conversations;

/// <summary>
/// A conversation (<c>CON-…</c>): the legs that belong to it and, of those, the ones in its audio mix. Audio a
/// participant speaks reaches every other participant allowed by mute/earmuff and canHear/canSpeak.
/// </summary>
public sealed class Conversation
{
    private readonly List<CallLeg> _members = [];
    private readonly TaskCompletionSource _ended = new();

    internal Conversation(NccoVm vm, string id, string? name)
    {
        Vm = vm;
        Id = id;
        Name = name;
    }

    internal NccoVm Vm { get; }

    /// <summary>Conversation uuid, <c>CON-…</c>.</summary>
    public string Id { get; }

    /// <summary>Name for named conversations (the <c>conversation</c> action), else null.</summary>
    public string? Name { get; }

    /// <summary>Legs that belong to the conversation.</summary>
    public IReadOnlyList<CallLeg> Members => _members;

    /// <summary>Legs taking part in the audio mix.</summary>
    public IEnumerable<CallLeg> Participants => _members.Where(m => m.InMix && !m.IsEnded);

    /// <summary>True once a <c>startOnEnter:true</c> participant joined (moderated conversations wait until then).</summary>
    public bool Started { get; internal set; }

    /// <summary>True once the conversation ended.</summary>
    public bool IsEnded => _ended.Task.IsCompleted;

    /// <summary>Completes when the conversation ends.</summary>
    internal Task EndedTask => _ended.Task;

    /// <summary>The conversation recording, when <c>record:true</c>.</summary>
    internal Handlers.ActiveRecording? Recording { get; set; }

    /// <summary>Set when a participant asked for <c>record:true</c>; recording starts when the conversation starts.</summary>
    internal Webhooks.WebhookTarget? RecordTarget { get; set; }

    internal bool RecordRequested { get; set; }

    /// <summary>Music-on-hold playbacks by leg, stopped when the conversation starts.</summary>
    internal Dictionary<string, long> MusicOnHold { get; } = [];

    internal void Begin()
    {
        if (Started) return;
        Started = true;
        foreach (var (legId, playback) in MusicOnHold)
        {
            Vm.FindLeg(legId)?.StopPlayback(playback);
        }
        MusicOnHold.Clear();
        Vm.MixChanged(this);
        Vm.Observer.OnActivity(Vm.Scheduler.UtcNow, null, VmActivity.Conversation, $"conversation {Name ?? Id} started");
        StartRecordingIfRequested();
    }

    internal void StartRecordingIfRequested()
    {
        if (!RecordRequested || Recording is not null || !Started) return;
        Recording = new Handlers.ActiveRecording(null, Id, Model.RecordingFormat.Mp3, 1, Vm.Scheduler.UtcNow, RecordTarget).Start(Vm, split: false);
        Vm.Observer.OnActivity(Vm.Scheduler.UtcNow, null, VmActivity.Conversation, $"conversation {Name ?? Id} recording started");
    }

    internal void Add(CallLeg leg)
    {
        if (_members.Contains(leg)) return;
        _members.Add(leg);
        Vm.MixChanged(this);
    }

    internal void Remove(CallLeg leg)
    {
        if (_members.Remove(leg)) Vm.MixChanged(this);
    }

    internal void End()
    {
        if (!_ended.TrySetResult()) return;
        Vm.MixChanged(this);
        Vm.Observer.OnActivity(Vm.Scheduler.UtcNow, null, VmActivity.Conversation, $"conversation {Name ?? Id} ended");
        Vm.OnConversationEnded(this);
    }

    /// <summary>True when audio from <paramref name="speaker"/> reaches <paramref name="listener"/>.</summary>
    public static bool CanReach(CallLeg speaker, CallLeg listener)
    {
        ArgumentNullException.ThrowIfNull(speaker);
        ArgumentNullException.ThrowIfNull(listener);
        if (speaker == listener || speaker.Muted || listener.Earmuffed) return false;
        if (!speaker.InMix || !listener.InMix || speaker.IsEnded || listener.IsEnded) return false;
        if (speaker.CanSpeak is { } speakTo && !speakTo.Contains(listener.Id)) return false;
        if (listener.CanHear is { } hearFrom && !hearFrom.Contains(speaker.Id)) return false;
        return true;
    }

    internal void Route(CallLeg speaker, Utterance utterance)
    {
        if (!Started && Name is not null) return;
        foreach (var listener in Participants.ToList())
        {
            if (!CanReach(speaker, listener)) continue;
            listener.StartPlayback(listener.NewPlayback(PlaybackKind.ConversationAudio) with
            {
                Text = utterance.Text,
                SourceLegId = speaker.Id,
                KnownDuration = utterance.Duration,
            });
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name is null ? Id : $"{Name} ({Id})";
}
