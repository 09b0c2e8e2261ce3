using System.Text.Json;
using Ncco.Model;
using Ncco.Model.Actions;

namespace Ncco;

public sealed partial class NccoBuilder
{
    /// <summary>Posts <paramref name="payload"/> to <paramref name="eventUrl"/> and waits; an NCCO in the answer replaces this one.</summary>
    /// <param name="payload">Anything that serialises to a JSON object (an anonymous object, a record, a <see cref="JsonElement"/>).</param>
    /// <param name="eventUrl">The webhook (required).</param>
    /// <param name="eventMethod">The webhook's method.</param>
    public NccoBuilder Notify(object payload, string eventUrl, WebhookMethod eventMethod = WebhookMethod.Post) =>
        Add(new NotifyAction(payload is JsonElement element ? new JsonValue(element) : JsonValue.From(payload), ToUri(eventUrl, nameof(eventUrl)))
        {
            EventMethod = eventMethod,
        });
}
