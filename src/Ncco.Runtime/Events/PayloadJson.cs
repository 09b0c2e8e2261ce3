using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ncco.Events;

/// <summary>JSON settings and helpers for webhook payloads.</summary>
public static class PayloadJson
{
    /// <summary>Options used for every payload: nulls omitted, documented names.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Serializes a payload (by its runtime type) to UTF-8 JSON.</summary>
    public static byte[] Serialize(WebhookPayload payload) =>
        JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), Options);

    /// <summary>Formats a time as the documented ISO-8601 with milliseconds and <c>Z</c>.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Flattens a JSON object into query-string pairs (for GET webhooks); nested values are JSON text.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ToQuery(ReadOnlySpan<byte> json)
    {
        var list = new List<KeyValuePair<string, string>>();
        using var doc = JsonDocument.Parse(json.ToArray());
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            var value = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Null => "",
                _ => p.Value.GetRawText(),
            };
            list.Add(new(p.Name, value));
        }
        return list;
    }
}
