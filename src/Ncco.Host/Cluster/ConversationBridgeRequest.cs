using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ncco.Model;
using Ncco.Model.Actions;

namespace Ncco.Host.Cluster;

/// <summary>
/// What a node asks of a conversation's host when it opens a bridge for one leg: the conversation (name and uuid), the
/// leg's uuid, and the NCCO its stand-in runs there — the leg's <c>conversation</c> action with <c>mute</c> left to the
/// leg's own node. Sent as one base64url query parameter (<see cref="QueryName"/>) of the signed handshake, so the hop
/// signature covers it and no character of a name needs escaping.
/// </summary>
internal sealed record ConversationBridgeRequest(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("conversation_uuid")] string ConversationId,
    [property: JsonPropertyName("uuid")] string LegId,
    [property: JsonPropertyName("ncco")] JsonElement Ncco)
{
    /// <summary>The bridge endpoint's path on the host.</summary>
    public const string Path = "/internal/v1/conversation-bridge";

    /// <summary>The query parameter carrying the request.</summary>
    public const string QueryName = "bridge";

    /// <summary>Longest encoded request accepted (a canHear/canSpeak list of a few hundred legs fits).</summary>
    public const int MaxEncodedLength = 64 * 1024;

    public static ConversationBridgeRequest For(string name, string conversationId, string legId, ConversationAction action)
    {
        var ncco = new NccoDocument([action with { Mute = false }]).ToJson();
        using var doc = JsonDocument.Parse(ncco);
        return new(name, conversationId, legId, doc.RootElement.Clone());
    }

    public string Encode() => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(this)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Reads a request, or says which part is wrong.</summary>
    public static (ConversationBridgeRequest? Request, string? Problem) Decode(string? encoded)
    {
        if (string.IsNullOrEmpty(encoded)) return (null, $"query parameter '{QueryName}' is missing");
        if (encoded.Length > MaxEncodedLength) return (null, $"query parameter '{QueryName}' is longer than {MaxEncodedLength} characters");
        byte[] bytes;
        try
        {
            var text = encoded.Replace('-', '+').Replace('_', '/');
            bytes = Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
        }
        catch (FormatException)
        {
            return (null, $"query parameter '{QueryName}' is not base64url");
        }
        try
        {
            var request = JsonSerializer.Deserialize<ConversationBridgeRequest>(bytes);
            if (request is null || string.IsNullOrEmpty(request.Name) || string.IsNullOrEmpty(request.ConversationId) || string.IsNullOrEmpty(request.LegId))
                return (null, "the bridge request needs name, conversation_uuid and uuid");
            if (request.Ncco.ValueKind != JsonValueKind.Array) return (null, "the bridge request's ncco must be an array");
            return (request, null);
        }
        catch (JsonException e)
        {
            return (null, "the bridge request is not valid JSON: " + e.Message);
        }
        catch (DecoderFallbackException)
        {
            return (null, "the bridge request is not UTF-8");
        }
    }
}
