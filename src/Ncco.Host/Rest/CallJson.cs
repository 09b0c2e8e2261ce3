using System.Globalization;
using System.Text.Json;
using Ncco.Host.Calls;

namespace Ncco.Host.Rest;

/// <summary>
/// Writes the call object of <c>GET /v1/calls/{uuid}</c> and list items (reference §3.5). Times are ISO-8601 UTC with
/// milliseconds, as the live API's fixtures show; the billing fields appear once the leg is over.
/// </summary>
internal static class CallJson
{
    /// <summary>Rate and price: this host does not bill.</summary>
    private const string Zero = "0.00000000";

    public static void Write(Utf8JsonWriter w, CallRecord call)
    {
        w.WriteStartObject();
        w.WriteStartObject("_links");
        w.WriteStartObject("self");
        w.WriteString("href", "/v1/calls/" + call.Uuid);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteString("uuid", call.Uuid);
        w.WriteString("conversation_uuid", call.ConversationUuid);
        Party(w, "to", call.To);
        if (call.From is { } from) Party(w, "from", from);
        w.WriteString("status", call.Status);
        w.WriteString("direction", call.Direction);
        if (call.EndTime is { } end)
        {
            var seconds = call.StartTime is { } start ? (long)Math.Floor((end - start).TotalSeconds) : 0;
            w.WriteString("rate", Zero);
            w.WriteString("price", Zero);
            w.WriteString("duration", seconds.ToString(CultureInfo.InvariantCulture));
            if (call.StartTime is { } s) w.WriteString("start_time", Time(s));
            w.WriteString("end_time", Time(end));
            w.WriteString("network", "");
        }
        w.WriteEndObject();
    }

    /// <summary>ISO-8601 UTC with milliseconds: <c>2024-04-19T01:34:18.000Z</c>.</summary>
    public static string Time(DateTimeOffset at) => VoiceApiQuery.Time(at);

    private static void Party(Utf8JsonWriter w, string name, CallParty party)
    {
        w.WriteStartObject(name);
        w.WriteString("type", party.Type);
        w.WriteString(party.Key, party.Value);
        w.WriteEndObject();
    }
}
