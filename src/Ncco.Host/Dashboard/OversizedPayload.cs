using Ncco.Events;

namespace Ncco.Host.Dashboard;

/// <summary>
/// Stands in, in a dashboard log, for a webhook payload whose JSON is over <see cref="DashboardLegLog.MaxEntryChars"/>
/// characters: the entry keeps the JSON's first characters and this instead of the payload object, so the log's size
/// stays bounded (the sequence diagram names the message "OversizedPayload").
/// </summary>
internal sealed record OversizedPayload : WebhookPayload;
