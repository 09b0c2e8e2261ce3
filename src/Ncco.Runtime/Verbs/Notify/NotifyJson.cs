using System.Text.Json;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Serialization;

namespace Ncco.Verbs;

/// <summary>The <c>notify</c> wire format (the payload is kept as raw JSON).</summary>
internal static class NotifyJson
{
    public static NotifyAction Read(NccoNode a) => new(a.GetProperty("payload"u8).ToJsonValue(), a.FirstUrl("eventUrl"u8)) { EventMethod = a.EventMethod() };

    public static void Write(Utf8JsonWriter w, NotifyAction notify)
    {
        w.WriteRaw("payload", notify.Payload);
        w.WriteUrlArray("eventUrl", notify.EventUrl);
        if (notify.EventMethod != WebhookMethod.Post) w.WriteString("eventMethod", "GET");
    }
}
