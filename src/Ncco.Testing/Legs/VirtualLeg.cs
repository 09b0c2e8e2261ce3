using Ncco.Legs;
using Ncco.Scheduling;

namespace Ncco.Testing;

/// <summary>
/// A semantic leg with no audio: it records what was played to it and lets a test (or any driver) act as the
/// party — press keys, speak, stay silent, hang up, answer or refuse an outbound call. Playback takes virtual time
/// (<see cref="PlaybackDuration"/>) measured on the VM's scheduler.
/// </summary>
public sealed class VirtualLeg : ILegTransport
{
    private readonly VmScheduler _scheduler;
    private readonly List<HeardItem> _heard = [];
    private readonly Dictionary<long, (HeardItem Item, IDisposable? Timer)> _playing = [];
    private ILegEventSink? _sink;

    /// <summary>Creates a virtual leg on <paramref name="scheduler"/>.</summary>
    public VirtualLeg(VmScheduler scheduler, string? label = null)
    {
        _scheduler = scheduler;
        Label = label;
    }

    /// <summary>Optional label for logs (a phone number, a user name).</summary>
    public string? Label { get; }

    /// <summary>Everything played to this leg, in order.</summary>
    public IReadOnlyList<HeardItem> Heard => _heard;

    /// <summary>Playbacks currently playing.</summary>
    public IEnumerable<HeardItem> Playing => _playing.Values.Select(p => p.Item);

    /// <summary>True once the VM answered (inbound) or dialled (outbound).</summary>
    public bool Answered { get; private set; }

    /// <summary>True once <see cref="ILegTransport.Dial"/> was called by the VM.</summary>
    public bool Dialled { get; private set; }

    /// <summary>True once the VM hung the leg up or the party hung up.</summary>
    public bool Ended { get; private set; }

    /// <summary>Raised (on the VM thread) whenever something is played, stopped or the leg state changes.</summary>
    public event Action<VirtualLeg>? Changed;

    private ILegEventSink Sink => _sink ?? throw new InvalidOperationException("The leg is not attached to a VM yet.");

    void ILegTransport.Attach(ILegEventSink sink) => _sink = sink;

    void ILegTransport.Answer()
    {
        Answered = true;
        Changed?.Invoke(this);
    }

    void ILegTransport.Dial()
    {
        Dialled = true;
        Sink.Ringing();
        Changed?.Invoke(this);
    }

    void ILegTransport.Play(Playback playback)
    {
        var item = new HeardItem(_scheduler.UtcNow, playback);
        _heard.Add(item);
        IDisposable? timer = null;
        if (playback.Loop > 0)
        {
            var total = PlaybackDuration.OneLoop(playback) * playback.Loop;
            timer = _scheduler.Schedule(total, () =>
            {
                if (!_playing.Remove(playback.Id)) return;
                item.FinishedAt = _scheduler.UtcNow;
                _sink?.PlaybackFinished(playback.Id);
                Changed?.Invoke(this);
            });
            _playing[playback.Id] = (item, timer);
        }
        else if (playback.Loop == 0)
        {
            _playing[playback.Id] = (item, null);
        }
        Changed?.Invoke(this);
    }

    void ILegTransport.StopPlayback(long playbackId)
    {
        if (!_playing.Remove(playbackId, out var p)) return;
        p.Timer?.Dispose();
        p.Item.StoppedAt = _scheduler.UtcNow;
        Changed?.Invoke(this);
    }

    void ILegTransport.Hangup() => EndLocally();

    private void EndLocally()
    {
        Ended = true;
        foreach (var (_, p) in _playing)
        {
            p.Timer?.Dispose();
            p.Item.StoppedAt = _scheduler.UtcNow;
        }
        _playing.Clear();
        Changed?.Invoke(this);
    }

    /// <summary>The party presses keys (each digit is a separate key press).</summary>
    public void Press(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        foreach (var d in digits) Sink.Digit(d);
    }

    /// <summary>The party says <paramref name="text"/> (recognised with <paramref name="confidence"/>).</summary>
    public void Say(string text, double confidence = 0.9, TimeSpan? duration = null) =>
        Sink.Speech(text, confidence, duration ?? PlaybackDuration.Speech(text));

    /// <summary>The party makes non-speech noise for <paramref name="duration"/> (e.g. leaves a voicemail message).</summary>
    public void MakeNoise(TimeSpan duration) => Sink.Audio(duration);

    /// <summary>The party hangs up.</summary>
    public void HangUp()
    {
        if (Ended) return;
        _scheduler.Post(EndLocally);
        Sink.HungUp();
    }

    /// <summary>Outbound: the party answers.</summary>
    public void AnswerCall()
    {
        Answered = true;
        Sink.Answered();
    }

    /// <summary>Outbound: the party is busy.</summary>
    public void RespondBusy() => Sink.Busy();

    /// <summary>Outbound: nobody answers / unreachable.</summary>
    public void RespondUnanswered(string detail = "unavailable") => Sink.Unanswered(detail);

    /// <summary>Outbound: the party rejects the call.</summary>
    public void Reject(string detail = "declined") => Sink.Rejected(detail);

    /// <summary>Outbound: the call fails.</summary>
    public void Fail(string detail = "cannot_route") => Sink.Failed(detail);

    /// <summary>Outbound: an answering machine picks up (reported after answer).</summary>
    public void AnswerAsMachine(bool beep = true)
    {
        Answered = true;
        Sink.Answered();
        Sink.MachineDetection(isMachine: true, beep);
    }

    /// <summary>
    /// After answer: AMD reports (a verdict that comes after the answer, as with asynchronous detection, or — after a
    /// <c>machine</c> verdict — the beep with <paramref name="beep"/>).
    /// </summary>
    public void ReportMachineDetection(bool isMachine, bool beep = false) => Sink.MachineDetection(isMachine, beep);

    /// <summary>Outbound: a person picks up and AMD says human.</summary>
    public void AnswerAsHuman()
    {
        Answered = true;
        Sink.Answered();
        Sink.MachineDetection(isMachine: false);
    }
}
