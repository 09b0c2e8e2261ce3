using System.Globalization;
using System.Text.Json;
using Ncco.Control;
using Ncco.Conversations;
using Ncco.Events;
using Ncco.Handlers;
using Ncco.Interpreter;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Model.Endpoints;
using Ncco.Scheduling;
using Ncco.Webhooks;

namespace Ncco.Calls;

/// <summary>
/// The NCCO virtual machine: calls, legs, conversations, interpreters and webhook semantics, all on one injected
/// scheduler. Entry points that return tasks are safe from any thread; everything else runs on the VM thread.
/// </summary>
public sealed class NccoVm
{
    private readonly Dictionary<string, CallLeg> _legs = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Conversation> _conversations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Conversation> _named = new(StringComparer.Ordinal);
    private readonly List<RecordingInfo> _recordings = [];
    private readonly List<Conversation> _mixDirty = [];
    private readonly Queue<CallLeg> _finished = new();
    private long _playbackIds;

    /// <summary>Creates the VM.</summary>
    public NccoVm(NccoVmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.RetainedFinishedLegs, nameof(options.RetainedFinishedLegs));
        ArgumentOutOfRangeException.ThrowIfNegative(options.RetainedRecordings, nameof(options.RetainedRecordings));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConversationParticipants, 1, nameof(options.MaxConversationParticipants));
        Options = options;
        Scheduler = options.Scheduler ?? new RealTimeScheduler();
        Ids = options.Ids ?? GuidIdGenerator.Instance;
        Observer = new Diagnostics.TracingVmObserver(this, options.Observer ?? NullVmObserver.Instance);
        Handlers = options.Handlers ?? HandlerRegistry.CreateDefault();
        Webhooks = new WebhookDispatcher(Scheduler, Ids, options.Application, options.Transport, Observer);
        Webhooks.ValidationOptions = Handlers.AcceptRegistered(options.Validation);
        Webhooks.TraceOf = legId => FindLeg(legId)?.TraceContext ?? default;
        Control = new CallControl(this);
    }

    /// <summary>Options the VM was built with.</summary>
    public NccoVmOptions Options { get; }

    /// <summary>The application (its current settings: see <see cref="UpdateApplicationAsync"/>).</summary>
    public VoiceApplication Application => Webhooks.Application;

    /// <summary>
    /// Replaces the application's settings (webhooks, signing, conversation lifetime) for everything that happens from
    /// now on: calls in progress keep running and send their next webhooks to the new addresses. The VM itself, and so
    /// every live call and named conversation, stays: a host changes settings here rather than building a new VM, so a
    /// conference does not split when the application is edited. The application id must not change.
    /// </summary>
    /// <exception cref="ArgumentException">The application id differs.</exception>
    public Task UpdateApplicationAsync(VoiceApplication application)
    {
        ArgumentNullException.ThrowIfNull(application);
        if (application.ApplicationId != Application.ApplicationId)
        {
            throw new ArgumentException($"A VM runs one application ({Application.ApplicationId}); got {application.ApplicationId}.", nameof(application));
        }
        return InvokeAsync(() =>
        {
            Webhooks.Application = application;
            return true;
        });
    }

    /// <summary>The VM's logical thread and clock.</summary>
    public VmScheduler Scheduler { get; }

    /// <summary>Id source.</summary>
    public IIdGenerator Ids { get; }

    /// <summary>Call log receiver.</summary>
    public IVmObserver Observer { get; }

    /// <summary>Action handlers (replace or add before starting calls); custom actions registered here are accepted in fetched NCCOs.</summary>
    public HandlerRegistry Handlers { get; }

    /// <summary>The media plane (null = semantic media, as in the simulator).</summary>
    public IMediaPlane? Media => Options.Media;

    /// <summary>Webhook semantics.</summary>
    public WebhookDispatcher Webhooks { get; }

    /// <summary>Live-call control operations (what the REST API exposes).</summary>
    public CallControl Control { get; }

    /// <summary>
    /// Live legs and the most recently finished ones (<see cref="NccoVmOptions.RetainedFinishedLegs"/>), by uuid.
    /// </summary>
    public IReadOnlyCollection<CallLeg> Legs => _legs.Values;

    /// <summary>Live conversations and ended ones that still have a kept leg or have not ended yet.</summary>
    public IReadOnlyCollection<Conversation> Conversations => _conversations.Values;

    /// <summary>
    /// Finished recordings (record action and conversation recordings), the most recent
    /// <see cref="NccoVmOptions.RetainedRecordings"/>.
    /// </summary>
    public IReadOnlyList<RecordingInfo> Recordings => _recordings;

    /// <summary>Raised on the VM thread when a recording finished.</summary>
    public event Action<RecordingInfo>? RecordingCompleted;

    /// <summary>Raised on the VM thread when a leg is created (inbound, outbound, connect).</summary>
    public event Action<CallLeg>? LegCreated;

    /// <summary>
    /// Raised on the VM thread when an inbound leg was handed off before answer (<see cref="IInboundHandoff"/>): it ended
    /// here with no final status (another runtime continues it), so a host releases it without recording an end.
    /// </summary>
    public event Action<CallLeg>? LegHandedOff;

    internal long NextPlaybackId() => ++_playbackIds;

    /// <summary>
    /// Marks a conversation's mix as changed. The media plane gets one snapshot per conversation at the end of the
    /// current VM turn, so a handler that sets several flags in a row produces one notification.
    /// </summary>
    internal void MixChanged(Conversation conversation)
    {
        if (Options.Media is null) return;
        if (_mixDirty.Contains(conversation)) return;
        _mixDirty.Add(conversation);
        if (_mixDirty.Count == 1) Scheduler.Post(FlushMix);
    }

    private void FlushMix()
    {
        if (Options.Media is not { } media) return;
        var dirty = _mixDirty.ToArray();
        _mixDirty.Clear();
        foreach (var c in dirty)
        {
            var participants = c.IsEnded
                ? []
                : c.Participants.Select(l => new MediaParticipant(l.Id, l.Muted, l.Earmuffed, l.CanHear?.ToArray(), l.CanSpeak?.ToArray())).ToArray();
            try
            {
                media.MixChanged(new MediaMix(c.Id, c.Started || c.Name is null, participants));
            }
            catch (Exception e)
            {
                Observer.OnActivity(Scheduler.UtcNow, null, VmActivity.Error, $"media plane failed to follow conversation {c.Id}: {e.Message}");
            }
        }
    }

    /// <summary>Finds a leg by uuid (dashed or 32-hex form).</summary>
    public CallLeg? FindLeg(string uuid)
    {
        ArgumentNullException.ThrowIfNull(uuid);
        if (_legs.TryGetValue(uuid, out var leg)) return leg;
        if (uuid.Length == 32 && Guid.TryParseExact(uuid, "N", out var g) && _legs.TryGetValue(g.ToString("D"), out leg)) return leg;
        return null;
    }

    /// <summary>Finds a conversation by id.</summary>
    public Conversation? FindConversation(string id) => _conversations.GetValueOrDefault(id);

    /// <summary>Finds a named conversation.</summary>
    public Conversation? FindNamedConversation(string name) => _named.GetValueOrDefault(name);

    /// <summary>Runs <paramref name="func"/> on the VM thread; the task completes off the VM thread.</summary>
    public Task<T> InvokeAsync<T>(Func<T> func) => InvokeAsync(func, setup: false);

    // A new call's arrival goes through the scheduler's setup lane, ahead of other calls' in-call work.
    private Task<T> InvokeAsync<T>(Func<T> func, bool setup)
    {
        ArgumentNullException.ThrowIfNull(func);
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Action work = () =>
        {
            try { tcs.TrySetResult(func()); }
            catch (Exception e) { tcs.TrySetException(e); }
        };
        if (setup) Scheduler.PostSetup(work);
        else Scheduler.Post(work);
        return tcs.Task;
    }

    // ---- call creation --------------------------------------------------------------------------------------

    /// <summary>
    /// An inbound call arrives on <paramref name="transport"/>: events <c>started</c>/<c>ringing</c>, the answer webhook
    /// (with retries/fallback), then <c>answered</c> and the NCCO. Returns the leg once created.
    /// </summary>
    public Task<CallLeg> AcceptInboundAsync(ILegTransport transport, InboundCall call) => InvokeAsync(() =>
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(call);
        var conversation = NewConversation(null);
        var origin = new LegOrigin(LegOriginKind.Call, Application.ApplicationId, call.Authenticated, call.Via ?? call.EndpointType);
        var leg = NewLeg(conversation, Direction.Inbound, call.From ?? call.FromUser, call.To, EndpointOfType(call.EndpointType, call.From), transport, call.TraceParent, origin,
            inSetup: true);
        _ = InboundFlowAsync(leg, call);
        return leg;
    }, setup: true);

    private async Task InboundFlowAsync(CallLeg leg, InboundCall call)
    {
        _ = leg.RaiseStatusAsync(leg.StatusEvent(CallStatus.Started));
        _ = leg.RaiseStatusAsync(leg.StatusEvent(CallStatus.Ringing));
        var answer = Application.AnswerUrl;
        if (answer is null)
        {
            FailCall(leg, "No answer_url configured for the application.", null);
            return;
        }
        Dictionary<string, JsonElement>? sip = null;
        if (call.SipHeaders is { Count: > 0 } headers)
        {
            sip = headers.ToDictionary(
                h => "SipHeader_" + (h.Key.StartsWith("X-", StringComparison.OrdinalIgnoreCase) || h.Key == "User-to-User" ? h.Key : "X-" + h.Key),
                h => JsonSerializer.SerializeToElement(h.Value));
        }
        var request = new AnswerRequest
        {
            To = call.To,
            From = call.From,
            FromUser = call.FromUser,
            Uuid = leg.Id,
            ConversationUuid = leg.Conversation.Id,
            RegionUrl = Application.RegionUrl,
            EndpointType = call.EndpointType,
            CustomData = call.CustomData,
            SipHeaders = sip,
            Timestamp = PayloadJson.Timestamp(Scheduler.UtcNow),
        };
        var result = await Webhooks.FetchAnswerForSetupAsync(answer, request, leg.Id);
        // From here on the call's work is regular work: whatever of it is still queued in the setup lane runs first.
        leg.InSetup = false;
        if (leg.IsEnded) return;
        if (result.Ncco is null)
        {
            FailCall(leg, result.Reason ?? "No NCCO could be obtained.", result.EventReason);
            return;
        }
        // The answer NCCO is known and the caller not yet answered: the one moment a host can still send the call
        // elsewhere (a SIP 302) without the caller noticing.
        if (Options.InboundHandoff is { } handoff && await PlanHandoffAsync(handoff, leg, call, result.Ncco) is { } plan)
        {
            if (leg.IsEnded) return;
            HandOff(leg, plan);
            return;
        }
        if (leg.IsEnded) return;
        AnswerAndRun(leg, result.Ncco);
    }

    private async Task<InboundHandoffPlan?> PlanHandoffAsync(IInboundHandoff handoff, CallLeg leg, InboundCall call, NccoDocument ncco)
    {
        try
        {
            return await handoff.PlanAsync(new InboundHandoffRequest(leg.Id, leg.Conversation.Id, leg.Transport, call, ncco), CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A failed look-up costs the cluster a bridge later, never the call.
            Observer.OnActivity(Scheduler.UtcNow, leg.Id, VmActivity.Warning, $"the call is answered here: its hand-off could not be planned ({e.Message})");
            return null;
        }
    }

    /// <summary>
    /// Sends the caller away, then ends <paramref name="leg"/> here without a word to the application (another runtime
    /// continues it under the same uuid). Both happen in one VM turn, so a hang-up the transport reports meanwhile is
    /// handled after the leg ended and raises nothing. When the call could not be sent (the caller left in that instant),
    /// the leg ends as a call the caller hung up before answer.
    /// </summary>
    private void HandOff(CallLeg leg, InboundHandoffPlan plan)
    {
        bool sent;
        try
        {
            sent = plan.SendAway();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Observer.OnActivity(Scheduler.UtcNow, leg.Id, VmActivity.Error, $"the hand-off could not be sent: {e.Message}");
            sent = false;
        }
        if (!sent)
        {
            Observer.OnActivity(Scheduler.UtcNow, leg.Id, VmActivity.Warning, "the caller left before the hand-off was sent");
            EndLeg(leg, DisconnectedBy.User);
            return;
        }
        leg.IsEnding = true;
        leg.HandedOff = true;
        var conversation = leg.Conversation;
        conversation.Remove(leg);
        leg.MarkEnded();
        if (!conversation.IsEnded && conversation.Name is null && conversation.Members.All(m => m.IsEnded)) conversation.End();
        Observer.OnActivity(Scheduler.UtcNow, leg.Id, VmActivity.Info, "handed off before answer to the runtime hosting its conversation");
        LegHandedOff?.Invoke(leg);
        RetireWhenDelivered(leg);
    }

    /// <summary>
    /// Continues an inbound call another runtime handed off before answering it (<see cref="IInboundHandoff"/>): a leg
    /// under that call's uuid <paramref name="legId"/>, first in an unnamed conversation under
    /// <paramref name="conversationId"/> (the uuid its earlier events reported), answered at once and running
    /// <paramref name="ncco"/> — the answer NCCO the first runtime fetched, not fetched again. No <c>started</c> or
    /// <c>ringing</c> event (the first runtime sent them); <c>answered</c> and everything after come from here.
    /// </summary>
    /// <exception cref="InvalidOperationException">A leg of this VM already has that uuid.</exception>
    public Task<CallLeg> ContinueHandedOffAsync(ILegTransport transport, InboundCall call, string legId, string conversationId, NccoDocument ncco) => InvokeAsync(() =>
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentException.ThrowIfNullOrEmpty(legId);
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentNullException.ThrowIfNull(ncco);
        if (FindLeg(legId) is not null) throw new InvalidOperationException($"leg {legId} is already known here");
        var conversation = _conversations.ContainsKey(conversationId) ? NewConversation(null) : NewConversation(null, conversationId);
        var origin = new LegOrigin(LegOriginKind.Call, Application.ApplicationId, call.Authenticated, call.Via ?? call.EndpointType);
        var leg = NewLeg(conversation, Direction.Inbound, call.From ?? call.FromUser, call.To, EndpointOfType(call.EndpointType, call.From), transport, call.TraceParent,
            origin, legId: legId);
        AnswerAndRun(leg, ncco);
        return leg;
    }, setup: true);

    private void AnswerAndRun(CallLeg leg, NccoDocument ncco)
    {
        leg.Transport.Answer();
        if (leg.AnswerFailure is { } failure)
        {
            FailUnanswered(leg, failure);
            return;
        }
        leg.AnsweredAt = Scheduler.UtcNow;
        _ = leg.RaiseStatusAsync(leg.StatusEvent(CallStatus.Answered) with { StartTime = PayloadJson.Timestamp(Scheduler.UtcNow), Network = "", Rate = null });
        leg.AddTimer(Scheduler.Schedule(Options.InboundLengthTimer, () => EndLeg(leg, DisconnectedBy.Platform)));
        leg.Run(ncco);
    }

    /// <summary>
    /// An inbound call the transport could not answer (it reported <see cref="ILegEventSink.Failed"/> from inside
    /// <see cref="ILegTransport.Answer"/>): <c>failed</c> with its <c>detail</c> and <c>sip_code</c> is the last event, as
    /// Vonage reports a call that never connected — no <c>answered</c>, no <c>completed</c>, and the NCCO never runs.
    /// </summary>
    private void FailUnanswered(CallLeg leg, string detail)
    {
        Observer.OnActivity(Scheduler.UtcNow, leg.Id, VmActivity.Error, $"the call could not be answered ({detail})");
        _ = leg.RaiseStatusAsync(FailureEvent(leg, new DialResult(CallStatus.Failed, detail)));
        EndUnconnected(leg);
        var conversation = leg.Conversation;
        if (!conversation.IsEnded && conversation.Name is null && conversation.Members.All(m => m.IsEnded)) conversation.End();
    }

    /// <param name="leg">The leg that gets no NCCO.</param>
    /// <param name="reason">The full reason, for the timeline and the host's log.</param>
    /// <param name="eventReason">What the application's event webhook is told (see <see cref="WebhookDispatcher"/>'s remarks).</param>
    private void FailCall(CallLeg leg, string reason, string? eventReason)
    {
        Observer.OnActivity(Scheduler.UtcNow, leg.Id, VmActivity.Error, reason);
        _ = leg.SendEventAsync(ErrorEvent(leg, eventReason ?? reason));
        EndLeg(leg, DisconnectedBy.Platform);
    }

    internal ErrorEvent ErrorEvent(CallLeg leg, string reason) => new()
    {
        Reason = reason,
        ConversationUuid = leg.Conversation.Id,
        Uuid = leg.Id,
        Timestamp = PayloadJson.Timestamp(Scheduler.UtcNow),
    };

    internal Conversation NewConversation(string? name, string? id = null)
    {
        var c = new Conversation(this, id ?? "CON-" + Ids.NewId(IdKind.Conversation), name);
        _conversations[c.Id] = c;
        if (name is not null) _named[name] = c;
        return c;
    }

    /// <summary>
    /// The named conversation <paramref name="name"/> this VM holds under uuid <paramref name="id"/> (the one its
    /// <see cref="Conversations.IConversationPlacement"/> gave). A conversation of that name under another uuid is over
    /// for this VM (it ended, or another runtime held it meanwhile): it ends, and a new one starts under <paramref name="id"/>.
    /// This VM's part of that very conversation (<see cref="ConversationPart"/>: its host was elsewhere, and this VM
    /// took it over) becomes it, so that the legs bridged from here re-join it without leaving it.
    /// </summary>
    internal Conversation NamedConversation(string name, string id)
    {
        if (_named.TryGetValue(name, out var c) && !c.IsEnded)
        {
            if (c.Id == id)
            {
                c.CancelExpiry();
                return c;
            }
            c.End();
        }
        if (_conversations.TryGetValue(id, out var part) && !part.IsEnded && part.Name is null)
        {
            part.Promote(name);
            _named[name] = part;
            return part;
        }
        return NewConversation(name, id);
    }

    /// <summary>
    /// This VM's part of a conversation another runtime holds: an unnamed conversation under the host's uuid, which holds
    /// the legs bridged there (it ends once its legs have, as unnamed conversations do).
    /// </summary>
    internal Conversation ConversationPart(string id)
    {
        if (_conversations.TryGetValue(id, out var c) && !c.IsEnded)
        {
            if (c.Name is null) return c;
            // This VM held the conversation and no longer does (another runtime took it over).
            c.End();
        }
        return NewConversation(null, id);
    }

    /// <summary>
    /// Runs a stand-in for a leg another runtime runs (the host's side of a conversation bridge): a leg under that
    /// leg's uuid <paramref name="legId"/> on <paramref name="transport"/>, answered at once, running
    /// <paramref name="ncco"/> (its <c>conversation</c> action). It sends no webhooks and is no call of the application
    /// (<see cref="CallLeg.IsStandIn"/>); it ends when its NCCO does (the transport is hung up) or its transport
    /// reports a hang-up.
    /// </summary>
    /// <exception cref="InvalidOperationException">A live leg of this VM already has that uuid.</exception>
    public Task<CallLeg> RunStandInAsync(string legId, ILegTransport transport, NccoDocument ncco) => InvokeAsync(() =>
    {
        ArgumentException.ThrowIfNullOrEmpty(legId);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(ncco);
        if (FindLeg(legId) is { IsEnded: false }) throw new InvalidOperationException($"leg {legId} is already live here");
        var leg = NewLeg(NewConversation(null), Direction.Inbound, null, "conversation bridge", null, transport, standInId: legId);
        leg.Transport.Answer();
        leg.AnsweredAt = Scheduler.UtcNow;
        leg.Run(ncco);
        return leg;
    });

    /// <summary>The bridge leg of <paramref name="part"/> (<see cref="ConversationPart"/>): no webhooks, no call record.</summary>
    internal CallLeg NewBridgeLeg(Conversation part, Func<string, ILegTransport> open)
    {
        var id = Ids.NewId(IdKind.Leg);
        var leg = NewLeg(part, Direction.Outbound, null, "conversation bridge", null, open(id), standInId: id);
        leg.Transport.Dial();
        leg.AnsweredAt = Scheduler.UtcNow;
        return leg;
    }

    internal Conversation NamedConversation(string name)
    {
        if (_named.TryGetValue(name, out var c) && !c.IsEnded)
        {
            c.CancelExpiry();
            return c;
        }
        return NewConversation(name);
    }

    internal CallLeg NewLeg(Conversation conversation, string direction, string? from, string to, CallEndpoint? endpoint, ILegTransport transport,
        System.Diagnostics.ActivityContext traceParent = default, LegOrigin? origin = null, string? standInId = null, string? legId = null, bool inSetup = false)
    {
        var leg = new CallLeg(this, standInId ?? legId ?? Ids.NewId(IdKind.Leg), conversation, direction, from, to, endpoint, transport)
        {
            Origin = origin,
            IsStandIn = standInId is not null,
            InSetup = inSetup,
        };
        // A stand-in is no call: the real leg's runtime traces it.
        if (standInId is null) leg.Span = Diagnostics.NccoTracing.StartCall(this, leg.Id, direction, to, leg.EndpointType, traceParent);
        _legs[leg.Id] = leg;
        conversation.Add(leg);
        transport.Attach(leg);
        Observer.OnActivity(Scheduler.UtcNow, leg.Id, VmActivity.Info, $"{direction} leg {from ?? "?"} → {to}");
        LegCreated?.Invoke(leg);
        return leg;
    }

    private static CallEndpoint EndpointOfType(string type, string? from) => type switch
    {
        EndpointTypes.App => new AppEndpoint(from ?? "user"),
        EndpointTypes.Sip => new SipEndpoint { Uri = from },
        EndpointTypes.Vbc => new VbcEndpoint(from ?? "0"),
        _ => new PhoneEndpoint(from ?? "unknown"),
    };

    /// <summary>The destination an endpoint names (number, user, URI, extension).</summary>
    public static string Destination(CallEndpoint endpoint) => endpoint switch
    {
        PhoneEndpoint p => p.Number,
        AppEndpoint a => a.User,
        SipEndpoint s => s.Uri ?? $"sip:{s.User}@{s.Domain}",
        WebSocketEndpoint w => w.Uri.ToString(),
        VbcEndpoint v => v.Extension,
        _ => endpoint.Type,
    };

    /// <summary>Creates an outbound leg (not yet dialled) for <c>origin</c> (<see cref="LegOrigin"/>: the API, or the leg
    /// whose NCCO connects); null when no dialer is configured. <paramref name="requester"/>: the span of the request
    /// that asked for the call, which the call's span links to.</summary>
    internal CallLeg? CreateOutboundLeg(CallEndpoint endpoint, string? from, Conversation conversation, WebhookTarget? eventTarget, bool machineDetection,
        LegOrigin origin, bool connectCallee = false, System.Diagnostics.ActivityContext requester = default)
    {
        if (Options.Dialer is null) return null;
        var id = Ids.NewId(IdKind.Leg);
        // The span first, so the transport can put what it sends (a SIP INVITE) in the call's trace.
        var span = Diagnostics.NccoTracing.StartCall(this, id, Direction.Outbound, Destination(endpoint), endpoint.Type, default, requester);
        var transport = Options.Dialer.CreateTransport(new OutboundLegRequest(id, endpoint, from, machineDetection) { TraceContext = span?.Context ?? default, Origin = origin });
        var leg = new CallLeg(this, id, conversation, Direction.Outbound, from, Destination(endpoint), endpoint, transport)
        {
            EventTarget = eventTarget, IsConnectCallee = connectCallee, Span = span, Origin = origin,
        };
        _legs[leg.Id] = leg;
        conversation.Add(leg);
        transport.Attach(leg);
        Observer.OnActivity(Scheduler.UtcNow, leg.Id, VmActivity.Info, $"outbound leg {from ?? "?"} → {leg.To} ({endpoint.Type})");
        LegCreated?.Invoke(leg);
        return leg;
    }

    /// <summary>
    /// Dials an outbound leg: raises <c>started</c> (unless already), <c>ringing</c>, <c>answered</c>, then runs
    /// answering-machine detection (<see cref="MachineDetectionRun"/>): synchronous modes return after the verdict (and,
    /// with <c>detect_beep</c>, the beep); <c>mode: default</c> returns at answer. Returns the final dial status
    /// (<c>answered</c>, <c>machine</c>/<c>hangup</c> for a machine hung up, or a failure status with detail) without
    /// raising failures.
    /// </summary>
    internal async Task<DialResult> DialAsync(CallLeg leg, TimeSpan ringTimeout, MachineDetectionSettings? amd, CancellationToken cancellationToken)
    {
        var tcs = new TaskCompletionSource<DialResult>();
        var ringing = false;
        void OnStatus(string status, string? detail)
        {
            if (status == CallStatus.Ringing)
            {
                if (ringing) return;
                ringing = true;
                _ = leg.RaiseStatusAsync(leg.StatusEvent(CallStatus.Ringing));
                return;
            }
            tcs.TrySetResult(new DialResult(status, detail));
        }
        leg.DialStatus += OnStatus;
        var timer = Scheduler.Schedule(ringTimeout, () => tcs.TrySetResult(new DialResult(CallStatus.Timeout, null)));
        using var reg = cancellationToken.Register(() => tcs.TrySetResult(new DialResult(CallStatus.Cancelled, null)));
        leg.Transport.Dial();
        var result = await tcs.Task;
        timer.Dispose();
        leg.DialStatus -= OnStatus;
        if (result.Status != CallStatus.Answered) return result;

        leg.AnsweredAt = Scheduler.UtcNow;
        _ = leg.RaiseStatusAsync(leg.StatusEvent(CallStatus.Answered) with { StartTime = PayloadJson.Timestamp(Scheduler.UtcNow), Network = "" });
        if (leg.Endpoint is PhoneEndpoint { DtmfAnswer: { Length: > 0 } dtmf })
            leg.StartPlayback(leg.NewPlayback(PlaybackKind.Dtmf) with { Text = dtmf });
        if (amd is null) return result;

        var detection = MachineDetectionRun.Start(this, leg, amd);
        // Asynchronous detection: the NCCO (or the connect) goes on now; the run raises its events as they come.
        if (amd.Mode == Model.MachineDetectionMode.Default) return result;
        return await detection.Completion switch
        {
            MachineDetectionOutcome.HungUp => new DialResult(CallStatus.Machine, "hangup"),
            MachineDetectionOutcome.LegEnded => new DialResult(CallStatus.Completed, null),
            _ => result,
        };
    }

    /// <summary>
    /// Gives a live leg a new NCCO (REST transfer, or an NCCO answering an event that may replace the flow): the old
    /// NCCO stops, the leg leaves its mix for a conversation of its own, and the new NCCO starts.
    /// </summary>
    internal void TransferToNcco(CallLeg leg, NccoDocument ncco)
    {
        // Stop the old NCCO first: leaving the mix may end its conversation, and the old NCCO must not see that as
        // its natural end and hang the leg up before the new one starts.
        leg.StopRun();
        LeaveMix(leg);
        var own = NewConversation(null);
        MoveToConversation(leg, own);
        leg.Run(ncco);
    }

    /// <summary>Raises a dial failure status (busy, timeout, …) with its documented extra fields.</summary>
    /// <remarks>
    /// A <c>busy</c> event has <c>sip_code</c> and no <c>detail</c>: Vonage's <c>detail</c> values (invalid_number,
    /// restricted, declined, cannot_route, number_out_of_service, internal_error, carrier_timeout, unavailable — the
    /// Java SDK's <c>CallStatusDetail</c>) have none for busy, which the Java SDK would read as "unmapped", and the .NET
    /// SDK's <c>Busy</c> event has no detail at all; the status says it.
    /// </remarks>
    internal CallStatusEvent FailureEvent(CallLeg leg, DialResult result) => leg.StatusEvent(result.Status) with
    {
        Detail = result.Status switch
        {
            CallStatus.Unanswered or CallStatus.Rejected or CallStatus.Failed => result.Detail,
            _ => null,
        },
        SipCode = result.Status is CallStatus.Busy or CallStatus.Unanswered or CallStatus.Rejected or CallStatus.Failed && leg.FinalSipStatus is { } code ? code : result.Status switch
        {
            CallStatus.Busy => 486,
            CallStatus.Unanswered => 480,
            CallStatus.Rejected => 603,
            CallStatus.Failed => 404,
            CallStatus.Timeout => 487,
            _ => null,
        },
    };

    /// <summary>Marks an outbound leg that never connected as over (no <c>completed</c>: the failure status is final).</summary>
    internal void EndUnconnected(CallLeg leg)
    {
        if (leg.IsEnded) return;
        leg.Transport.Hangup();
        leg.Conversation.Remove(leg);
        leg.MarkEnded();
    }

    // ---- ending ---------------------------------------------------------------------------------------------

    /// <summary>Ends a leg: stops its NCCO and media, flushes background recordings, leaves the conversation, raises <c>completed</c>.</summary>
    internal void EndLeg(CallLeg leg, string disconnectedBy, bool fromParty = false)
    {
        // Leaving the mix can end a named conversation, whose waiting action then finishes the leg's NCCO inline and
        // asks to end the leg again (as "platform"): the guard keeps that re-entry from raising a second `completed`.
        if (leg.IsEnded || leg.IsEnding) return;
        leg.IsEnding = true;
        if (!fromParty) leg.Transport.Hangup();
        var end = Scheduler.UtcNow;
        foreach (var rec in leg.BackgroundRecordings.ToList()) _ = rec.Finish(this, end, "call ended");
        leg.BackgroundRecordings.Clear();
        LeaveMix(leg);
        var answered = leg.AnsweredAt;
        leg.EndedBy = disconnectedBy;
        leg.MarkEnded();
        if (answered is null && leg.Direction == Direction.Outbound)
        {
            _ = leg.RaiseStatusAsync(leg.StatusEvent(CallStatus.Cancelled));
        }
        else
        {
            var start = answered ?? end;
            var seconds = (long)Math.Floor((end - start).TotalSeconds);
            _ = leg.RaiseStatusAsync(leg.StatusEvent(CallStatus.Completed) with
            {
                StartTime = PayloadJson.Timestamp(start),
                EndTime = PayloadJson.Timestamp(end),
                Duration = seconds.ToString(CultureInfo.InvariantCulture),
                Rate = "0.00000000",
                Price = "0.00000000",
                Network = "",
                SipCode = 200,
                DisconnectedBy = disconnectedBy,
            });
        }
        var conv = leg.Conversation;
        if (!conv.IsEnded && conv.Name is null && conv.Members.All(m => m.IsEnded)) conv.End();
        RetireWhenDelivered(leg);
    }

    /// <summary>Takes a leg out of its conversation's audio mix, applying <c>endOnExit</c> and last-participant rules.</summary>
    internal void LeaveMix(CallLeg leg)
    {
        if (!leg.InMix) return;
        leg.InMix = false;
        var conv = leg.Conversation;
        Observer.OnActivity(Scheduler.UtcNow, leg.Id, VmActivity.Conversation, $"left conversation {conv}");
        if (conv.IsEnded) return;
        if (leg.EndOnExit) conv.End();
        else if (conv.Name is not null && !conv.Participants.Any()) conv.Empty();
    }

    internal void OnConversationEnded(Conversation conversation)
    {
        if (conversation.Recording is { } rec)
        {
            _ = rec.Finish(this, Scheduler.UtcNow, "conversation ended");
            conversation.Recording = null;
        }
        if (conversation.Name is not null && _named.TryGetValue(conversation.Name, out var c) && c == conversation)
        {
            _named.Remove(conversation.Name);
            Options.ConversationPlacement?.Ended(conversation.Name, conversation.Id);
        }
        ForgetIfDone(conversation);
    }

    /// <summary>
    /// A leg ended: once its last webhook (the <c>completed</c> event, and whatever it raised before) was delivered, it
    /// joins the finished legs kept for inspection, and the oldest beyond <see cref="NccoVmOptions.RetainedFinishedLegs"/>
    /// are forgotten. Waiting for delivery keeps the leg's trace context for those webhooks.
    /// </summary>
    private void RetireWhenDelivered(CallLeg leg)
    {
        // Posted even when already delivered: the caller may be walking the VM's legs (hang up all).
        var delivered = leg.FlushEventsAsync();
        if (delivered.IsCompleted) Scheduler.Post(() => Retire(leg));
        else delivered.ContinueWith(_ => Scheduler.Post(() => Retire(leg)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Retire(CallLeg leg)
    {
        _finished.Enqueue(leg);
        while (_finished.Count > Options.RetainedFinishedLegs)
        {
            var old = _finished.Dequeue();
            if (_legs.TryGetValue(old.Id, out var kept) && kept == old) _legs.Remove(old.Id);
            ForgetIfDone(old.Conversation);
        }
    }

    /// <summary>Drops an ended conversation once none of its legs is kept any more.</summary>
    private void ForgetIfDone(Conversation conversation)
    {
        if (!conversation.IsEnded) return;
        foreach (var member in conversation.Members)
        {
            if (_legs.TryGetValue(member.Id, out var kept) && kept == member) return;
        }
        if (_conversations.TryGetValue(conversation.Id, out var c) && c == conversation) _conversations.Remove(conversation.Id);
    }

    internal void AddRecording(RecordingInfo info)
    {
        _recordings.Add(info);
        if (_recordings.Count > Options.RetainedRecordings) _recordings.RemoveRange(0, _recordings.Count - Options.RetainedRecordings);
        Observer.OnActivity(Scheduler.UtcNow, info.LegId, VmActivity.Info,
            $"recording {info.RecordingUuid} finished: {info.Duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)}s ({info.EndReason})");
        RecordingCompleted?.Invoke(info);
    }

    /// <summary>Moves a leg into another conversation, raising the <c>transfer</c> event.</summary>
    internal void MoveToConversation(CallLeg leg, Conversation target)
    {
        var from = leg.Conversation;
        if (from == target) return;
        LeaveMix(leg);
        from.Remove(leg);
        target.Add(leg);
        leg.Conversation = target;
        _ = leg.SendEventAsync(new TransferEvent
        {
            Uuid = leg.Id,
            ConversationUuidFrom = from.Id,
            ConversationUuidTo = target.Id,
            Timestamp = PayloadJson.Timestamp(Scheduler.UtcNow),
        });
        Observer.OnActivity(Scheduler.UtcNow, leg.Id, VmActivity.Conversation, $"moved {from.Id} → {target}");
        if (!from.IsEnded && from.Name is null && from.Members.Count == 0) from.End();
    }
}

/// <summary>How dialling an outbound leg ended.</summary>
/// <param name="Status"><c>answered</c> or a failure status.</param>
/// <param name="Detail">Failure detail.</param>
public sealed record DialResult(string Status, string? Detail);
