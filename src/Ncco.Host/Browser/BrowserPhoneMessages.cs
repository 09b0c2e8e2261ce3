using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ncco.Host.Browser;

/// <summary>
/// The text messages the host sends to a browser phone (JSON, one per WebSocket message, each with an <c>event</c>).
/// The protocol is described in <c>Browser/README.md</c>.
/// </summary>
internal static class BrowserPhoneMessages
{
    /// <summary>The audio format of the binary messages, both ways.</summary>
    public const string ContentType = "audio/l16;rate=16000";

    public static byte[] Ready(BrowserUser user) => Json(new JsonObject
    {
        ["event"] = "ready",
        ["user"] = user.Name,
        ["application_id"] = user.ApplicationId,
        ["content-type"] = ContentType,
    });

    public static byte[] Incoming(string uuid, string? from) => Json(new JsonObject { ["event"] = "incoming", ["uuid"] = uuid, ["from"] = from });

    public static byte[] Calling(string uuid) => Json(new JsonObject { ["event"] = "calling", ["uuid"] = uuid });

    public static byte[] Answered(string uuid) => Json(new JsonObject { ["event"] = "answered", ["uuid"] = uuid });

    public static byte[] Ended(string uuid, string reason) => Json(new JsonObject { ["event"] = "ended", ["uuid"] = uuid, ["reason"] = reason });

    public static byte[] Dtmf(char digit, int durationMilliseconds) =>
        Json(new JsonObject { ["event"] = "dtmf", ["digit"] = digit.ToString(), ["duration"] = durationMilliseconds });

    /// <summary>A refused message: <paramref name="field"/> names what was wrong (<c>token</c>, <c>action</c>, <c>digit</c>…).</summary>
    public static byte[] Error(string field, string reason) => Json(new JsonObject { ["event"] = "error", ["field"] = field, ["reason"] = reason });

    private static byte[] Json(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node);
}
