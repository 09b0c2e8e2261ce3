using System.Buffers;
using System.Text;
using System.Text.Json;
using Ncco.Model.Endpoints;

namespace Ncco.Host.Legs.WebSockets;

/// <summary>The text frames of the WebSocket endpoint protocol (reference §7).</summary>
internal static class WebSocketMessages
{
    /// <summary><c>{"event":"websocket:connected","content-type":…, &lt;each header at top level&gt;}</c>.</summary>
    public static byte[] Connected(WebSocketEndpoint endpoint)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("event", "websocket:connected");
            w.WriteString("content-type", endpoint.ContentType);
            if (endpoint.Headers is { ValueKind: JsonValueKind.Object } headers)
            {
                foreach (var p in headers.Element.EnumerateObject())
                {
                    if (p.NameEquals("event") || p.NameEquals("content-type")) continue; // the protocol's own fields win
                    p.WriteTo(w);
                }
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>{"event":"websocket:dtmf","digit":"5","duration":260}</c>.</summary>
    public static byte[] Dtmf(char digit, int durationMilliseconds) =>
        Encoding.UTF8.GetBytes($$"""{"event":"websocket:dtmf","digit":"{{digit}}","duration":{{durationMilliseconds}}}""");

    /// <summary><c>{"event":"websocket:cleared"}</c>.</summary>
    public static byte[] Cleared { get; } = """{"event":"websocket:cleared"}"""u8.ToArray();

    /// <summary><c>{"event":"websocket:notify","payload":…}</c> with the payload the app sent (an empty object when it sent none).</summary>
    public static string Notify(JsonElement? payload) =>
        "{\"event\":\"websocket:notify\",\"payload\":" + (payload?.GetRawText() ?? "{}") + "}";
}
