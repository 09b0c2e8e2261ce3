namespace Ncco.Model.Actions;

/// <summary>Collects key presses and/or speech and posts the result to <see cref="EventUrl"/>.</summary>
/// <param name="Type">What to listen for; required on the wire.</param>
public sealed record InputAction(InputTypes Type) : NccoAction
{
    /// <inheritdoc />
    public override string Name => ActionNames.Input;

    /// <summary>DTMF settings; only valid when <see cref="Type"/> includes DTMF. Absent means the defaults.</summary>
    public DtmfSettings? Dtmf { get; init; }

    /// <summary>Speech settings; only valid when <see cref="Type"/> includes speech. Absent means the defaults.</summary>
    public SpeechSettings? Speech { get; init; }

    /// <summary>Result webhook; absent means the call's event URL.</summary>
    public Uri? EventUrl { get => _eventUrl.Value; init => _eventUrl = new(value); }

    /// <summary>Binding from validated JSON: the URL kept as text until <see cref="EventUrl"/> is read.</summary>
    internal LazyUrl LazyEventUrl { init => _eventUrl = value; }

    private LazyUrl _eventUrl;

    /// <summary>Result webhook method. Default POST.</summary>
    public WebhookMethod EventMethod { get; init; } = WebhookMethod.Post;

    /// <summary>Synchronous (one result) or asynchronous (each digit as pressed). Default synchronous.</summary>
    public InputMode Mode { get; init; } = InputMode.Synchronous;
}
