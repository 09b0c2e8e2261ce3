using Ncco.Conversations;
using Ncco.Events;
using Ncco.Interpreter;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Model.Endpoints;
using Ncco.Webhooks;

namespace Ncco.Calls;

/// <summary>
/// One call leg: its identity, status, conversation, audio controls, and the interpreter running its NCCO. All
/// members are used on the VM thread; the leg transport reports party activity through <see cref="ILegEventSink"/>,
/// which marshals onto that thread.
/// </summary>
/// <remarks>
/// One file per concern: this one holds the leg's state (identity, status, mix flags) and lifetime (running an NCCO,
/// ending); <c>CallLeg.Webhooks.cs</c> posts its events in order; <c>CallLeg.Playback.cs</c> plays audio and keeps the
/// barge-in queue; <c>CallLeg.PartyEvents.cs</c> receives what the party does (<see cref="ILegEventSink"/>).
/// </remarks>
public sealed partial class CallLeg : ILegEventSink
{
    private readonly NccoVm _vm;
    private readonly List<IDisposable> _timers = [];
    private readonly CancellationTokenSource _lifetime = new();
    private CancellationTokenSource? _runCts;
    private Conversation _conversation;
    private bool _muted;
    private bool _earmuffed;
    private bool _inMix;
    private IReadOnlyList<string>? _canHear;
    private IReadOnlyList<string>? _canSpeak;

    internal CallLeg(NccoVm vm, string id, Conversation conversation, string direction, string? from, string to, CallEndpoint? endpoint, ILegTransport transport)
    {
        _vm = vm;
        Id = id;
        _conversation = conversation;
        Direction = direction;
        From = from;
        To = to;
        Endpoint = endpoint;
        Transport = transport;
    }

    /// <summary>Leg uuid.</summary>
    public string Id { get; }

    /// <summary><c>inbound</c> or <c>outbound</c>.</summary>
    public string Direction { get; }

    /// <summary>Caller.</summary>
    public string? From { get; }

    /// <summary>Callee (number, user, URI).</summary>
    public string To { get; }

    /// <summary>The endpoint dialled (outbound) or the caller's endpoint type (inbound).</summary>
    public CallEndpoint? Endpoint { get; }

    /// <summary><c>phone</c>, <c>sip</c>, <c>websocket</c>, <c>app</c> or <c>vbc</c>.</summary>
    public string EndpointType => Endpoint?.Type ?? EndpointTypes.Phone;

    /// <summary>The conversation this leg belongs to.</summary>
    public Conversation Conversation
    {
        get => _conversation;
        internal set
        {
            if (_conversation == value) return;
            _vm.MixChanged(_conversation);
            _conversation = value;
            _vm.MixChanged(value);
        }
    }

    /// <summary>Last status raised for this leg.</summary>
    public string Status { get; private set; } = CallStatus.Started;

    /// <summary>When the leg was answered.</summary>
    public DateTimeOffset? AnsweredAt { get; internal set; }

    /// <summary>When the leg ended.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>Who ended the leg (<c>platform</c> or <c>user</c>), once ended.</summary>
    public string? EndedBy { get; internal set; }

    /// <summary>True once the leg is over.</summary>
    public bool IsEnded => EndedAt is not null;

    /// <summary>True from the moment the VM starts ending the leg (before <see cref="IsEnded"/>).</summary>
    internal bool IsEnding { get; set; }

    /// <summary>Where this leg's events go when an action names no eventUrl (connect/create-call override, else the app's).</summary>
    public WebhookTarget? EventTarget { get; internal set; }

    /// <summary>True for a leg dialled by a <c>connect</c> action (the caller's NCCO owns its fate), false for a call.</summary>
    internal bool IsConnectCallee { get; init; }

    /// <summary>
    /// True for a leg that stands in for a leg another runtime runs (the host's side of a conversation bridge, under
    /// that leg's uuid) or for a bridge to such a host: it sends no webhooks and is no call of this application's —
    /// the real leg's own runtime reports it.
    /// </summary>
    public bool IsStandIn { get; internal init; }

    /// <summary>
    /// True when this runtime handed the leg, not yet answered, to another runtime (<see cref="IInboundHandoff"/>): it
    /// ended here without a final status, and its call goes on there under the same uuid.
    /// </summary>
    public bool HandedOff { get; internal set; }

    /// <summary>
    /// Who the leg acts for: the API for a created call, its caller for an inbound one (authenticated or not), and
    /// for a <c>connect</c> callee the origin of the leg that connected it. Legs this leg's NCCO dials inherit it.
    /// </summary>
    internal Legs.LegOrigin? Origin { get; init; }

    /// <summary>The leg's audio is not sent to the conversation (REST mute, conversation <c>mute</c>).</summary>
    public bool Muted
    {
        get => _muted;
        internal set => SetMix(ref _muted, value);
    }

    /// <summary>The leg hears nothing from the conversation (REST earmuff).</summary>
    public bool Earmuffed
    {
        get => _earmuffed;
        internal set => SetMix(ref _earmuffed, value);
    }

    /// <summary>True while the leg takes part in its conversation's audio mix (after conversation/connect).</summary>
    public bool InMix
    {
        get => _inMix;
        internal set => SetMix(ref _inMix, value);
    }

    /// <summary>Legs this leg can hear (null = all).</summary>
    public IReadOnlyList<string>? CanHear
    {
        get => _canHear;
        internal set => SetMix(ref _canHear, value);
    }

    /// <summary>Legs that can hear this leg (null = all).</summary>
    public IReadOnlyList<string>? CanSpeak
    {
        get => _canSpeak;
        internal set => SetMix(ref _canSpeak, value);
    }

    // Mix flags tell the media plane (if any) that the conversation's topology changed; the VM coalesces the
    // notifications of one VM turn into one snapshot.
    private void SetMix<T>(ref T field, T value)
    {
        if (EqualityComparer<T>.Default.Equals(field, value)) return;
        field = value;
        _vm.MixChanged(_conversation);
    }

    /// <summary>Where asynchronous DTMF digits are sent (input <c>mode:"asynchronous"</c> or REST subscribe).</summary>
    public WebhookTarget? AsyncDtmfTarget { get; internal set; }

    /// <summary>The leg's media transport.</summary>
    public ILegTransport Transport { get; }

    internal NccoVm Vm => _vm;

    internal bool EndOnExit { get; set; }

    /// <summary>
    /// A party transfer (<see cref="Control.CallControl.HandOverAsync"/>) now decides this leg's fate: a <c>connect</c>
    /// that linked it to another leg no longer ends it when that leg goes.
    /// </summary>
    internal bool HandedOver { get; set; }

    internal CancellationToken Lifetime => _lifetime.Token;

    internal LegInterpreter? Interpreter { get; private set; }

    internal List<Handlers.ActiveRecording> BackgroundRecordings { get; } = [];

    internal HashSet<long> ControlPlaybacks { get; } = [];

    internal event Action? Ended;

    internal void AddTimer(IDisposable timer) => _timers.Add(timer);

    /// <summary>Stops the running NCCO without ending the leg (a transfer is about to give it another).</summary>
    internal void StopRun() => _runCts?.Cancel();

    /// <summary>Runs <paramref name="ncco"/> on this leg, replacing whatever it was running.</summary>
    internal void Run(NccoDocument ncco)
    {
        _runCts?.Cancel();
        BargeIn();
        foreach (var id in ControlPlaybacks.ToList()) StopPlayback(id);
        _runCts = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        Interpreter = new LegInterpreter(this, _vm.Handlers);
        var run = Interpreter.RunAsync(ncco, _runCts.Token);
        var cts = _runCts;
        run.ContinueWith(t =>
        {
            if (t.IsFaulted) _vm.Observer.OnActivity(_vm.Scheduler.UtcNow, Id, VmActivity.Error, "interpreter failed: " + t.Exception!.InnerException!.Message);
            if (cts.IsCancellationRequested || IsEnded) return;
            if (t.Result == InterpreterExit.Exhausted || t.IsFaulted) _vm.EndLeg(this, DisconnectedBy.Platform);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.FromCurrentSynchronizationContext());
    }

    internal void MarkEnded()
    {
        EndedAt = _vm.Scheduler.UtcNow;
        foreach (var t in _timers) t.Dispose();
        _timers.Clear();
        ReleasePlaybacks();
        _lifetime.Cancel();
        _vm.MixChanged(_conversation);
        Diagnostics.NccoTracing.EndCallIfOver(this);
        Ended?.Invoke();
    }

    /// <inheritdoc />
    public override string ToString() => $"{Direction} leg {Id} ({From} → {To}, {Status})";
}
