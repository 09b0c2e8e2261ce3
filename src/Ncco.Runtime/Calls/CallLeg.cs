using System.Globalization;
using Ncco.Conversations;
using Ncco.Events;
using Ncco.Interpreter;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Model.Endpoints;
using Ncco.Webhooks;

namespace Ncco.Calls;

/// <summary>Something the party said, as reported by its leg.</summary>
/// <param name="Text">Recognised text.</param>
/// <param name="Confidence">0–1.</param>
/// <param name="Duration">How long the utterance lasted.</param>
/// <param name="AudioFileId">The saved audio of the utterance (speech input with <c>saveAudio</c> on a media plane), or null.</param>
public sealed record Utterance(string Text, double Confidence, TimeSpan Duration, string? AudioFileId = null);

/// <summary>
/// One call leg: its identity, status, conversation, audio controls, and the interpreter running its NCCO. All
/// members are used on the VM thread; the leg transport reports party activity through <see cref="ILegEventSink"/>,
/// which marshals onto that thread.
/// </summary>
public sealed class CallLeg : ILegEventSink
{
    private readonly NccoVm _vm;
    private readonly Dictionary<long, TaskCompletionSource> _playbacks = [];
    private readonly Queue<Playback> _bargeInQueue = new();
    private readonly List<IDisposable> _timers = [];
    private readonly CancellationTokenSource _lifetime = new();
    private Task _eventChain = Task.CompletedTask;
    private long? _bargeInPlaying;
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

    internal CancellationToken Lifetime => _lifetime.Token;

    internal LegInterpreter? Interpreter { get; private set; }

    internal List<Handlers.ActiveRecording> BackgroundRecordings { get; } = [];

    internal HashSet<long> ControlPlaybacks { get; } = [];

    internal event Action<char>? DigitReceived;

    internal event Action<Utterance>? SpeechReceived;

    internal event Action? SpeechStarting;

    internal event Action<TimeSpan>? AudioReceived;

    internal event Action<string, string?>? DialStatus;

    internal event Action<bool, bool>? MachineDetected;

    internal event Action? Ended;

    internal event Action? BargeInDrained;

    /// <summary>True when barge-in audio is queued or playing.</summary>
    internal bool BargeInActive => _bargeInPlaying is not null || _bargeInQueue.Count > 0;

    // ---- events ---------------------------------------------------------------------------------------------

    internal CallStatusEvent StatusEvent(string status) => new()
    {
        From = From,
        To = To,
        Uuid = Id,
        ConversationUuid = Conversation.Id,
        Status = status,
        Direction = Direction,
        Timestamp = PayloadJson.Timestamp(_vm.Scheduler.UtcNow),
    };

    /// <summary>Records the status, logs it and posts it to the event webhook (in order with the leg's other events).</summary>
    internal Task RaiseStatusAsync(CallStatusEvent payload, WebhookTarget? target = null)
    {
        if (payload.Status is not (CallStatus.Human or CallStatus.Machine)) Status = payload.Status;
        _vm.Observer.OnActivity(_vm.Scheduler.UtcNow, Id, VmActivity.Status, payload.Status + (payload.Detail is null ? "" : $" ({payload.Detail})"));
        return SendEventAsync(payload, target);
    }

    /// <summary>Posts an event (after the leg's earlier events) to <paramref name="target"/> or the leg's event target.</summary>
    public Task SendEventAsync(WebhookPayload payload, WebhookTarget? target = null)
    {
        var t = target ?? EventTarget ?? _vm.Application.EventUrl;
        if (t is null) return Task.CompletedTask;
        var previous = _eventChain;
        var next = Chain(previous, () => _vm.Webhooks.SendEventAsync(t, payload, Id));
        _eventChain = next;
        return next;
    }

    /// <summary>Posts an event that may answer with an NCCO, after the leg's earlier events.</summary>
    public Task<NccoFetchResult> FetchNccoAsync(WebhookPayload payload, WebhookTarget? target)
    {
        var t = target ?? EventTarget ?? _vm.Application.EventUrl;
        if (t is null) return Task.FromResult(new NccoFetchResult { CarryOn = true });
        var previous = _eventChain;
        var next = ChainResult(previous, () => _vm.Webhooks.FetchNccoAsync(t, WebhookKind.Event, payload, Id));
        _eventChain = next;
        return next;
    }

    private static async Task Chain(Task previous, Func<Task<bool>> send)
    {
        try { await previous; } catch (Exception) { /* earlier event failures do not block later ones */ }
        await send();
    }

    private static async Task<NccoFetchResult> ChainResult(Task previous, Func<Task<NccoFetchResult>> send)
    {
        try { await previous; } catch (Exception) { /* see Chain */ }
        return await send();
    }

    /// <summary>Waits until all events raised so far were delivered (or gave up).</summary>
    internal Task FlushEventsAsync() => _eventChain;

    internal WebhookTarget? ResolveTarget(Uri? url, WebhookMethod method) =>
        url is null ? EventTarget ?? _vm.Application.EventUrl : new WebhookTarget(url, method);

    // ---- playback -------------------------------------------------------------------------------------------

    /// <summary>A new playback of <paramref name="kind"/> with a fresh id (customise it with <c>with { … }</c>).</summary>
    public Playback NewPlayback(PlaybackKind kind) => new(_vm.NextPlaybackId(), kind);

    /// <summary>Plays and waits until it finished (or the token is cancelled, which stops it). VM thread only (e.g. in a handler).</summary>
    public async Task PlayAsync(Playback playback, CancellationToken cancellationToken)
    {
        var tcs = StartPlayback(playback);
        using var reg = cancellationToken.Register(() => StopPlayback(playback.Id));
        await tcs.Task;
        cancellationToken.ThrowIfCancellationRequested();
    }

    internal TaskCompletionSource StartPlayback(Playback playback)
    {
        var tcs = new TaskCompletionSource();
        if (IsEnded)
        {
            tcs.TrySetResult();
            return tcs;
        }
        _playbacks[playback.Id] = tcs;
        _vm.Observer.OnActivity(_vm.Scheduler.UtcNow, Id, VmActivity.Played, Describe(playback));
        Transport.Play(playback);
        return tcs;
    }

    internal void StopPlayback(long id)
    {
        if (!_playbacks.Remove(id, out var tcs)) return;
        if (!IsEnded) Transport.StopPlayback(id);
        _vm.Observer.OnActivity(_vm.Scheduler.UtcNow, Id, VmActivity.Stopped, "stopped playback #" + id.ToString(CultureInfo.InvariantCulture));
        tcs.TrySetResult();
    }

    internal bool IsPlaying(long id) => _playbacks.ContainsKey(id);

    /// <summary>Queues barge-in audio: it plays in the background, after earlier barge-in audio, until the party barges in.</summary>
    internal void EnqueueBargeIn(Playback playback)
    {
        _bargeInQueue.Enqueue(playback);
        if (_bargeInPlaying is null) StartNextBargeIn();
    }

    private void StartNextBargeIn()
    {
        if (!_bargeInQueue.TryDequeue(out var next))
        {
            _bargeInPlaying = null;
            BargeInDrained?.Invoke();
            return;
        }
        _bargeInPlaying = next.Id;
        var tcs = StartPlayback(next);
        tcs.Task.ContinueWith(_ =>
        {
            if (_bargeInPlaying == next.Id) StartNextBargeIn();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The party barged in (or an input started capturing): stop and drop all barge-in audio.</summary>
    internal void BargeIn()
    {
        _bargeInQueue.Clear();
        if (_bargeInPlaying is { } id)
        {
            _bargeInPlaying = null;
            StopPlayback(id);
            BargeInDrained?.Invoke();
        }
    }

    private static string Describe(Playback p) => p.Kind switch
    {
        PlaybackKind.Talk => $"talk \"{p.Text}\"" + (p.BargeIn ? " (bargeIn)" : "") + (p.Loop != 1 ? $" loop={p.Loop}" : ""),
        PlaybackKind.Stream => $"stream {p.Url}" + (p.BargeIn ? " (bargeIn)" : "") + (p.Loop != 1 ? $" loop={p.Loop}" : ""),
        PlaybackKind.ConversationAudio => $"hears {p.SourceLegId}: \"{p.Text}\"",
        PlaybackKind.Dtmf => "dtmf " + p.Text,
        PlaybackKind.Beep => "beep",
        _ => p.Kind.ToString().ToLowerInvariant() + " " + p.Url,
    };

    // ---- lifetime -------------------------------------------------------------------------------------------

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
        _bargeInQueue.Clear();
        _bargeInPlaying = null;
        foreach (var (_, tcs) in _playbacks) tcs.TrySetResult();
        _playbacks.Clear();
        _lifetime.Cancel();
        _vm.MixChanged(_conversation);
        Ended?.Invoke();
    }

    // ---- ILegEventSink: party activity (any thread → VM thread) -----------------------------------------------

    private void OnVm(Action action) => _vm.Scheduler.Post(() =>
    {
        if (!IsEnded) action();
    });

    private void Party(string message) => _vm.Observer.OnActivity(_vm.Scheduler.UtcNow, Id, VmActivity.Party, message);

    void ILegEventSink.Ringing() => OnVm(() => DialStatus?.Invoke(CallStatus.Ringing, null));

    void ILegEventSink.Answered() => OnVm(() => DialStatus?.Invoke(CallStatus.Answered, null));

    void ILegEventSink.Busy() => OnVm(() => DialStatus?.Invoke(CallStatus.Busy, null));

    void ILegEventSink.Unanswered(string detail) => OnVm(() => DialStatus?.Invoke(CallStatus.Unanswered, detail));

    void ILegEventSink.Rejected(string detail) => OnVm(() => DialStatus?.Invoke(CallStatus.Rejected, detail));

    void ILegEventSink.Failed(string detail) => OnVm(() => DialStatus?.Invoke(CallStatus.Failed, detail));

    void ILegEventSink.SipStatus(int statusCode) => OnVm(() => FinalSipStatus = statusCode is >= 300 and <= 699 ? statusCode : null);

    /// <summary>The SIP status a SIP leg's dialling ended with (see <see cref="ILegEventSink.SipStatus"/>), else null.</summary>
    internal int? FinalSipStatus { get; private set; }

    void ILegEventSink.MachineDetection(bool isMachine, bool beep) => OnVm(() => MachineDetected?.Invoke(isMachine, beep));

    void ILegEventSink.Digit(char digit) => OnVm(() =>
    {
        Party($"pressed {digit}");
        if (AsyncDtmfTarget is { } target)
        {
            _ = SendEventAsync(new InputEvent
            {
                From = From, To = To, Uuid = Id, ConversationUuid = Conversation.Id,
                Dtmf = new DtmfResult { Digits = digit.ToString(), TimedOut = false },
                Speech = new SpeechResult(),
                Timestamp = PayloadJson.Timestamp(_vm.Scheduler.UtcNow),
            }, target);
        }
        DigitReceived?.Invoke(digit);
    });

    void ILegEventSink.Speech(string text, double confidence, TimeSpan duration, string? audioFileId) => OnVm(() =>
    {
        Party($"said \"{text}\" (confidence {confidence.ToString("0.##", CultureInfo.InvariantCulture)})");
        var u = new Utterance(text, confidence, duration, audioFileId);
        SpeechReceived?.Invoke(u);
        AudioReceived?.Invoke(duration);
        // A media plane mixes real audio; only semantic media routes utterances as playbacks.
        if (InMix && _vm.Media is null) Conversation.Route(this, u);
    });

    void ILegEventSink.SpeechStarted() => OnVm(() =>
    {
        Party("started speaking");
        SpeechStarting?.Invoke();
    });

    void ILegEventSink.Audio(TimeSpan duration) => OnVm(() =>
    {
        Party($"made sound for {duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)}s");
        AudioReceived?.Invoke(duration);
    });

    void ILegEventSink.PlaybackFinished(long playbackId) => OnVm(() =>
    {
        if (_playbacks.Remove(playbackId, out var tcs)) tcs.TrySetResult();
    });

    void ILegEventSink.HungUp() => OnVm(() =>
    {
        Party("hung up");
        // The app closing a WebSocket is reported as `disconnected`. A connect callee's event comes from the connect
        // action (which may run the NCCO it returns on the caller); a leg created by REST is the call itself, so its
        // `disconnected` is only a report, sent before its `completed` — there is no leg left to run an NCCO on.
        if (Endpoint is Model.Endpoints.WebSocketEndpoint ws && !IsConnectCallee && AnsweredAt is not null && !IsEnded)
            _ = RaiseStatusAsync(StatusEvent(CallStatus.Disconnected) with { Headers = ws.Headers });
        _vm.EndLeg(this, DisconnectedBy.User, fromParty: true);
    });

    /// <inheritdoc />
    public override string ToString() => $"{Direction} leg {Id} ({From} → {To}, {Status})";
}
