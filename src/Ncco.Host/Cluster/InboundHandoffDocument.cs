using System.Text.Json;
using System.Text.Json.Serialization;
using Ncco.Calls;

namespace Ncco.Host.Cluster;

/// <summary>
/// The part of an inbound call a node hands to another with a redirect: who called whom, how it arrived (what the NCCO
/// may dial depends on it) and the answer NCCO already fetched, so the receiving node neither fetches the answer webhook
/// again nor shows the application a second call.
/// </summary>
internal sealed record InboundHandoffDocument(
    [property: JsonPropertyName("from")] string? From,
    [property: JsonPropertyName("from_user")] string? FromUser,
    [property: JsonPropertyName("to")] string To,
    [property: JsonPropertyName("endpoint_type")] string EndpointType,
    [property: JsonPropertyName("authenticated")] bool Authenticated,
    [property: JsonPropertyName("via")] string? Via,
    [property: JsonPropertyName("sip_headers")] Dictionary<string, string>? SipHeaders,
    [property: JsonPropertyName("ncco")] JsonElement Ncco)
{
    /// <summary>The Contact user part that names a hand-off: <c>ncco-handoff-</c> and the token.</summary>
    public const string UserPrefix = "ncco-handoff-";

    public static InboundHandoffDocument Of(InboundCall call, Model.NccoDocument ncco)
    {
        using var parsed = JsonDocument.Parse(ncco.ToJson());
        return new(call.From, call.FromUser, call.To, call.EndpointType, call.Authenticated, call.Via,
            call.SipHeaders is null ? null : new Dictionary<string, string>(call.SipHeaders, StringComparer.OrdinalIgnoreCase), parsed.RootElement.Clone());
    }

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Reads a stored document; throws <see cref="JsonException"/> naming what is missing.</summary>
    public static InboundHandoffDocument Parse(string json)
    {
        var document = JsonSerializer.Deserialize<InboundHandoffDocument>(json) ?? throw new JsonException("the hand-off document is null");
        if (string.IsNullOrEmpty(document.To)) throw new JsonException("the hand-off document has no 'to'");
        if (document.Ncco.ValueKind != JsonValueKind.Array) throw new JsonException("the hand-off document's 'ncco' is not an array");
        return document;
    }

    public InboundCall Call(System.Diagnostics.ActivityContext traceParent) => new()
    {
        From = From,
        FromUser = FromUser,
        To = To,
        EndpointType = EndpointType,
        Authenticated = Authenticated,
        Via = Via,
        SipHeaders = SipHeaders,
        TraceParent = traceParent,
    };

    /// <summary>The contact that sends a call to <paramref name="hostSipUri"/> (<c>sip:host:port</c>) under <paramref name="token"/>.</summary>
    public static string Contact(string hostSipUri, string token)
    {
        var colon = hostSipUri.IndexOf(':', StringComparison.Ordinal);
        return hostSipUri[..(colon + 1)] + UserPrefix + token + "@" + hostSipUri[(colon + 1)..];
    }
}
