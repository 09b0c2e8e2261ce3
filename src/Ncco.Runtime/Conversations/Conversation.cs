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
    private IDisposable? _expiry;

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
    public string? Name { get; private set; }

    /// <summary>
    /// This VM's part of a conversation another runtime held becomes the named conversation itself: this VM holds it
    /// now (its host died and this VM took it over), and the legs bridged from here stay in it as they re-join.
    /// </summary>
    internal void Promote(string name)
    {
        Name = name;
        CancelExpiry();
        Vm.Observer.OnActivity(Vm.Scheduler.UtcNow, null, VmActivity.Conversation, $"conversation {name} ({Id}) is held here now");
    }

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

    /// <summary>
    /// The last participant of a named conversation left. As on Vonage the conversation lives on — a later call with the
    /// same name joins the same conversation uuid — for the application's <c>conversations_ttl</c>
    /// (<see cref="Webhooks.VoiceApplication.NamedConversationTtl"/>), counted from now; then it ends. Its recording
    /// (<c>record:true</c>) finishes now, with the audio it has: nobody is left to record, and a recording hours long
    /// of silence helps no one; a later participant asking for <c>record:true</c> starts a new one. A moderated
    /// conversation waits for a <c>startOnEnter:true</c> participant again.
    /// </summary>
    internal void Empty()
    {
        if (IsEnded) return;
        if (Recording is { } rec)
        {
            _ = rec.Finish(Vm, Vm.Scheduler.UtcNow, "conversation empty");
            Recording = null;
        }
        RecordRequested = false;
        RecordTarget = null;
        Started = false;
        _members.RemoveAll(m => m.IsEnded);
        Vm.MixChanged(this);
        _expiry?.Dispose();
        var ttl = Vm.Application.NamedConversationTtl;
        Vm.Observer.OnActivity(Vm.Scheduler.UtcNow, null, VmActivity.Conversation,
            ttl is { } t ? $"conversation {Name ?? Id} is empty; it ends in {t.TotalHours.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} h unless someone joins"
                : $"conversation {Name ?? Id} is empty; it is kept (conversations_ttl 0: no expiry)");
        if (ttl is { } due) ExpireAt(Vm.Scheduler.UtcNow + due);
    }

    // conversations_ttl goes up to 9000 h, beyond what one timer can wait (about 49 days): wait in steps.
    private void ExpireAt(DateTimeOffset at)
    {
        var left = at - Vm.Scheduler.UtcNow;
        var step = left > MaxTimerStep ? MaxTimerStep : left;
        _expiry = Vm.Scheduler.Schedule(step < TimeSpan.Zero ? TimeSpan.Zero : step, () =>
        {
            if (IsEnded || Participants.Any()) return;
            if (Vm.Scheduler.UtcNow < at) ExpireAt(at);
            else End();
        });
    }

    private static readonly TimeSpan MaxTimerStep = TimeSpan.FromDays(30);

    /// <summary>Someone joins a persisted named conversation: it no longer expires.</summary>
    internal void CancelExpiry()
    {
        _expiry?.Dispose();
        _expiry = null;
    }

    internal void End()
    {
        if (!_ended.TrySetResult()) return;
        CancelExpiry();
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
