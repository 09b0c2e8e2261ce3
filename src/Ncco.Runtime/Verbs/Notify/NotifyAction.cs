namespace Ncco.Model.Actions;

/// <summary>Posts a payload to a webhook and waits; an NCCO in the response replaces the current one.</summary>
/// <param name="Payload">A JSON object sent as <c>payload</c>.</param>
/// <param name="EventUrl">The webhook (required for notify).</param>
public sealed record NotifyAction(JsonValue Payload, Uri EventUrl) : NccoAction
{
    /// <inheritdoc />
    public override string Name => ActionNames.Notify;

    /// <summary>Webhook method. Default POST.</summary>
    public WebhookMethod EventMethod { get; init; } = WebhookMethod.Post;
}
