using Ncco.Interpreter;
using Ncco.Legs;
using Ncco.Scheduling;
using Ncco.Validation;
using Ncco.Webhooks;

namespace Ncco.Calls;

/// <summary>Everything the VM is built from. Time, ids, transports and dialer are injected.</summary>
public sealed record NccoVmOptions
{
    /// <summary>The application (webhook URLs, signing).</summary>
    public required VoiceApplication Application { get; init; }

    /// <summary>How webhooks are delivered.</summary>
    public required IWebhookTransport Transport { get; init; }

    /// <summary>The VM's logical thread and clock. Default: a <see cref="RealTimeScheduler"/>.</summary>
    public VmScheduler? Scheduler { get; init; }

    /// <summary>Id source. Default: random UUIDs.</summary>
    public IIdGenerator? Ids { get; init; }

    /// <summary>Creates legs for connect and outbound calls. Without one, connect fails with <c>failed</c>/<c>cannot_route</c>.</summary>
    public ILegDialer? Dialer { get; init; }

    /// <summary>
    /// Real media (mixing, recording files, speech recognition), or null for semantic media (the default; what the
    /// simulator's virtual legs use). See <see cref="IMediaPlane"/>.
    /// </summary>
    public IMediaPlane? Media { get; init; }

    /// <summary>
    /// Where named conversations live when runtimes share an application (a cluster), or null (the default): this VM
    /// holds every named conversation. See <see cref="Conversations.IConversationPlacement"/>.
    /// </summary>
    public Conversations.IConversationPlacement? ConversationPlacement { get; init; }

    /// <summary>
    /// May send an inbound call to another runtime before it is answered (a cluster), or null (the default): every
    /// inbound call is answered here. See <see cref="IInboundHandoff"/>.
    /// </summary>
    public IInboundHandoff? InboundHandoff { get; init; }

    /// <summary>
    /// Action handlers. Default: <see cref="HandlerRegistry.CreateDefault"/>. Custom actions registered here are
    /// accepted in the NCCOs the VM fetches, on top of <see cref="Validation"/>.
    /// </summary>
    public HandlerRegistry? Handlers { get; init; }

    /// <summary>Receives the call log.</summary>
    public IVmObserver? Observer { get; init; }

    /// <summary>Validation options for NCCOs returned by webhooks. Custom actions with a handler in <see cref="Handlers"/> need no entry here.</summary>
    public NccoValidationOptions? Validation { get; init; }

    /// <summary>Inbound calls end after this long once answered (the inbound equivalent of <c>length_timer</c>).</summary>
    public TimeSpan InboundLengthTimer { get; init; } = TimeSpan.FromSeconds(7200);

    /// <summary>How long to wait for an answering-machine verdict after answer before assuming <c>human</c>.</summary>
    public TimeSpan MachineDetectionDeadline { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many finished legs the VM keeps findable (<see cref="NccoVm.Legs"/>, <see cref="NccoVm.FindLeg"/>) after their
    /// last webhook was delivered: the most recent ones, oldest forgotten first, and with them their conversations once
    /// ended and none of their legs is kept. Default 1,000. A VM runs for the application's lifetime, so keeping every
    /// leg ever created would hold each finished call's state (and what its transport references) forever; a host that
    /// keeps call history elsewhere (a call store) sets 0. Finished legs never answer control operations either way
    /// (<see cref="Control.CallControl"/> treats them as unknown).
    /// </summary>
    public int RetainedFinishedLegs { get; init; } = DefaultRetainedFinishedLegs;

    /// <summary>
    /// How many finished recordings <see cref="NccoVm.Recordings"/> lists: the most recent ones. Default 1,000. Their
    /// files are not touched; this bounds only the VM's list (a host registers recordings in its own store through
    /// <see cref="NccoVm.RecordingCompleted"/>).
    /// </summary>
    public int RetainedRecordings { get; init; } = DefaultRetainedFinishedLegs;

    /// <summary>
    /// Participants one named conversation holds; the next leg to join is refused (its <c>conversation</c> action is
    /// logged as an error and the NCCO moves on). Default <see cref="Model.Actions.ConversationAction.MaxParticipants"/>
    /// (50, the platform's documented limit). A host whose rooms are larger (a town hall, a webinar) raises it: the
    /// mixer's cost grows linearly with the room, so the limit is a product choice, not a technical one. At least 1.
    /// </summary>
    public int MaxConversationParticipants { get; init; } = Model.Actions.ConversationAction.MaxParticipants;

    /// <summary>Default of <see cref="RetainedFinishedLegs"/> and <see cref="RetainedRecordings"/>.</summary>
    public const int DefaultRetainedFinishedLegs = 1000;
}

/// <summary>Details of an inbound call.</summary>
public sealed record InboundCall
{
    /// <summary>
    /// The span the call continues (the SIP INVITE's server span, a traced request's context): the call's
    /// <c>ncco.call</c> span becomes its child (<see cref="Diagnostics.NccoTracing"/>). <c>default</c>: a new trace.
    /// </summary>
    public System.Diagnostics.ActivityContext TraceParent { get; init; }

    /// <summary>Caller number (or null for app users; see <see cref="FromUser"/>).</summary>
    public string? From { get; init; }

    /// <summary>Client-SDK user placing the call.</summary>
    public string? FromUser { get; init; }

    /// <summary>Number/URI called.</summary>
    public required string To { get; init; }

    /// <summary>Endpoint type of the caller: <c>phone</c> (default), <c>sip</c>, <c>app</c>, <c>websocket</c>, <c>vbc</c>.</summary>
    public string EndpointType { get; init; } = "phone";

    /// <summary>Inbound SIP X- headers (name without <c>X-</c> prefix is fine) → <c>SipHeader_X-name</c> answer fields.</summary>
    public IReadOnlyDictionary<string, string>? SipHeaders { get; init; }

    /// <summary>
    /// True when the transport authenticated the caller (a SIP trunk's source, a digest-authenticated softphone user, a
    /// signed-in Client SDK user). Outbound legs the call's NCCO creates carry it in <see cref="Legs.LegOrigin"/>, and a
    /// SIP trunk refuses to place them without it. Default false.
    /// </summary>
    public bool Authenticated { get; init; }

    /// <summary>How the call reached the host, for logs (<see cref="Legs.LegOrigin.Via"/>); default the endpoint type.</summary>
    public string? Via { get; init; }

    /// <summary>Client SDK custom data.</summary>
    public System.Text.Json.JsonElement? CustomData { get; init; }
}
