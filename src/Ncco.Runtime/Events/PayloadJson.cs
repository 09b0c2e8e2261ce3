using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ncco.Serialization;

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

    // The relaxed encoder lives on the writer, not on the serializer options: the source-generated fast path only runs
    // with options equal to the context's own (no encoder), and string values are escaped by the writer anyway.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>Serializes a payload (by its runtime type) to UTF-8 JSON, byte for byte what <see cref="Options"/> would write.</summary>
    public static byte[] Serialize(WebhookPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        // The answer request carries SIP headers as extension data, which the generated fast path does not write; the
        // call status event has the one int? field (sip_code, on every completed event), which the generated code
        // writes through System.Text.Json's generic Nullable<int> converter and type info: about a dozen framework
        // methods a fresh test process JIT-compiles for its first scenario (bench/first-scenario). Both by hand.
        var typeInfo = payload is AnswerRequest or CallStatusEvent ? null : PayloadJsonContext.Default.GetTypeInfo(payload.GetType());
        // Pooled: a fresh ArrayBufferWriter grew through several arrays per payload (the writer reserves room for the
        // worst-case escaping of each string), the second-largest allocator of call setup (issue 19).
        using var buffer = new PooledByteWriter(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            if (payload is AnswerRequest answer) WriteAnswer(writer, answer);
            else if (payload is CallStatusEvent status) WriteStatus(writer, status);
            else if (typeInfo is not null) JsonSerializer.Serialize(writer, payload, typeInfo);
            else return JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), Options);
        }
        return buffer.WrittenSpan.ToArray();
    }

    // Written by hand in the records' declared order (PayloadJsonTests compares it with the attribute-driven
    // serializer for every field, SIP headers included).
    private static void WriteAnswer(Utf8JsonWriter writer, AnswerRequest answer)
    {
        writer.WriteStartObject();
        writer.WriteString("to", answer.To);
        if (answer.From is { } from) writer.WriteString("from", from);
        if (answer.FromUser is { } fromUser) writer.WriteString("from_user", fromUser);
        writer.WriteString("uuid", answer.Uuid);
        writer.WriteString("conversation_uuid", answer.ConversationUuid);
        if (answer.RegionUrl is { } regionUrl) writer.WriteString("region_url", regionUrl);
        if (answer.EndpointType is { } endpointType) writer.WriteString("endpoint_type", endpointType);
        if (answer.CustomData is { } customData)
        {
            writer.WritePropertyName("custom_data");
            customData.WriteTo(writer);
        }
        if (answer.Timestamp is { } timestamp) writer.WriteString("timestamp", timestamp);
        if (answer.SipHeaders is { } headers)
        {
            foreach (var (name, value) in headers)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
        }
        writer.WriteEndObject();
    }

    private static void WriteStatus(Utf8JsonWriter writer, CallStatusEvent status)
    {
        writer.WriteStartObject();
        WriteIfSet(writer, "from"u8, status.From);
        WriteIfSet(writer, "to"u8, status.To);
        WriteIfSet(writer, "uuid"u8, status.Uuid);
        WriteIfSet(writer, "call_uuid"u8, status.CallUuid);
        WriteIfSet(writer, "conversation_uuid"u8, status.ConversationUuid);
        WriteIfSet(writer, "status"u8, status.Status);
        WriteIfSet(writer, "direction"u8, status.Direction);
        WriteIfSet(writer, "start_time"u8, status.StartTime);
        WriteIfSet(writer, "end_time"u8, status.EndTime);
        WriteIfSet(writer, "duration"u8, status.Duration);
        WriteIfSet(writer, "rate"u8, status.Rate);
        WriteIfSet(writer, "price"u8, status.Price);
        WriteIfSet(writer, "network"u8, status.Network);
        if (status.SipCode is { } sipCode) writer.WriteNumber("sip_code"u8, sipCode);
        WriteIfSet(writer, "detail"u8, status.Detail);
        WriteIfSet(writer, "disconnected_by"u8, status.DisconnectedBy);
        WriteIfSet(writer, "sub_state"u8, status.SubState);
        if (status.Headers is { } headers)
        {
            writer.WritePropertyName("headers"u8);
            headers.WriteTo(writer);
        }
        WriteIfSet(writer, "timestamp"u8, status.Timestamp);
        writer.WriteEndObject();
    }

    private static void WriteIfSet(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null) writer.WriteString(name, value);
    }

    /// <summary>Formats a time as the documented ISO-8601 with milliseconds and <c>Z</c>.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Flattens a JSON object into query-string pairs (for GET webhooks). A top-level scalar is one pair (strings as
    /// they are, numbers and booleans as JSON, null as empty). A nested object or array is sent twice, so an app reads
    /// it whichever way its framework makes easiest: whole, as JSON text under its own name
    /// (<c>dtmf={"digits":"1","timed_out":false}</c>), and leaf by leaf under dotted paths, array items by index
    /// (<c>dtmf.digits=1</c>, <c>dtmf.timed_out=false</c>, <c>speech.results.0.text=sales</c>) — the same paths
    /// <c>Ncco.Testing</c>'s <c>Field("dtmf.digits")</c> and scenario <c>fields:</c> use. Flask's <c>request.args</c>,
    /// Express's <c>req.query</c> (qs or node:querystring) and ASP.NET Core's <c>Request.Query</c> all return both
    /// forms as plain keys; ASP.NET Core MVC binds the dotted keys to a nested <c>[FromQuery]</c> model.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ToQuery(ReadOnlySpan<byte> json)
    {
        var collector = new PairCollector([]);
        QueryPairs.Walk(json.ToArray(), ref collector);
        return collector.Pairs;
    }

    private readonly record struct PairCollector(List<KeyValuePair<string, string>> Pairs) : IQueryPairSink
    {
        public void Pair(ReadOnlySpan<char> name, ReadOnlySpan<char> value) => Pairs.Add(new(name.ToString(), value.ToString()));
    }
}
