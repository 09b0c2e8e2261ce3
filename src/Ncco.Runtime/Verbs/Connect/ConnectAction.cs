using Ncco.Model.Endpoints;

namespace Ncco.Model.Actions;

/// <summary>Calls an endpoint and bridges it into the current conversation.</summary>
/// <param name="Endpoint">The one endpoint to call.</param>
public sealed record ConnectAction(CallEndpoint Endpoint) : NccoAction
{
    /// <summary>The documented default for <see cref="Timeout"/>, in seconds.</summary>
    public const int DefaultTimeout = 60;

    /// <summary>The documented default for <see cref="Limit"/>, in seconds.</summary>
    public const int DefaultLimit = 7200;

    /// <inheritdoc />
    public override string Name => ActionNames.Connect;

    /// <summary>Caller id: one of the account's numbers (E.164 digits). Not allowed with <see cref="RandomFromNumber"/>.</summary>
    public string? From { get; init; }

    /// <summary>Use a random number linked to the application as the caller id. Default false.</summary>
    public bool RandomFromNumber { get; init; }

    /// <summary>Synchronous events let the event webhook return a fallback NCCO when the leg fails.</summary>
    public ConnectEventType EventType { get; init; } = ConnectEventType.Asynchronous;

    /// <summary>Seconds to ring before giving up (3–7200). Default 60.</summary>
    public int Timeout { get; init; } = DefaultTimeout;

    /// <summary>Maximum length of the connected call in seconds (1–7200). Default 7200.</summary>
    public int Limit { get; init; } = DefaultLimit;

    /// <summary>Standard answering-machine detection.</summary>
    public MachineDetectionBehavior? MachineDetection { get; init; }

    /// <summary>Advanced answering-machine detection; overrides <see cref="MachineDetection"/>.</summary>
    public AdvancedMachineDetection? AdvancedMachineDetection { get; init; }

    /// <summary>Webhook for the new leg's events; absent means the call's event URL.</summary>
    public Uri? EventUrl { get => _eventUrl.Value; init => _eventUrl = new(value); }

    /// <summary>Binding from validated JSON: the URL kept as text until <see cref="EventUrl"/> is read.</summary>
    internal LazyUrl LazyEventUrl { init => _eventUrl = value; }

    private LazyUrl _eventUrl;

    /// <summary>Webhook method. Default POST.</summary>
    public WebhookMethod EventMethod { get; init; } = WebhookMethod.Post;

    /// <summary>Audio looped to the caller until the new leg answers.</summary>
    public Uri? RingbackTone { get => _ringbackTone.Value; init => _ringbackTone = new(value); }

    /// <summary>Binding from validated JSON: the URL kept as text until <see cref="RingbackTone"/> is read.</summary>
    internal LazyUrl LazyRingbackTone { init => _ringbackTone = value; }

    private LazyUrl _ringbackTone;
}
