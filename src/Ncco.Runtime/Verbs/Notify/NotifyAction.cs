namespace Ncco.Model.Actions;

/// <summary>Posts a payload to a webhook and waits; an NCCO in the response replaces the current one.</summary>
/// <param name="Payload">A JSON object sent as <c>payload</c>.</param>
/// <param name="EventUrl">The webhook (required for notify).</param>
public sealed record NotifyAction(JsonValue Payload, Uri EventUrl) : NccoAction
{
    private LazyUrl _eventUrl = new(EventUrl);

    /// <summary>Binding from validated JSON: the URL kept as text until <see cref="EventUrl"/> is read.</summary>
    internal NotifyAction(JsonValue payload, LazyUrl eventUrl) : this(payload, (Uri)null!) => _eventUrl = eventUrl;

    /// <summary>The webhook (required for notify).</summary>
    public Uri EventUrl { get => _eventUrl.Value!; init => _eventUrl = new(value); }

    /// <inheritdoc />
    public override string Name => ActionNames.Notify;

    /// <summary>Webhook method. Default POST.</summary>
    public WebhookMethod EventMethod { get; init; } = WebhookMethod.Post;
}
