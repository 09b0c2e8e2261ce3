using Ncco.Interpreter;
using Ncco.Model.Actions;

namespace Ncco.Handlers;

/// <summary><c>notify</c>: posts the payload and waits for the answer; an NCCO in it replaces the current one.</summary>
public sealed class NotifyHandler : IActionHandler
{
    /// <inheritdoc />
    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var notify = (NotifyAction)context.Action;
        var result = await context.Leg.FetchNccoAsync(new Events.NotifyEvent
        {
            ConversationUuid = context.Leg.Conversation.Id,
            Uuid = context.Leg.Id,
            Payload = notify.Payload,
            Timestamp = context.Timestamp,
        }, new Webhooks.WebhookTarget(notify.EventUrl, notify.EventMethod));
        cancellationToken.ThrowIfCancellationRequested();
        return context.OutcomeOf(result);
    }
}
