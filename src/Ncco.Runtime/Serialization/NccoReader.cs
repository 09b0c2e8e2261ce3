using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Model.Endpoints;
using Ncco.Verbs;

namespace Ncco.Serialization;

/// <summary>
/// Binds validated NCCO JSON to the typed model. Accepts every spelling the validator accepts (aliases, numbers
/// and booleans as strings); callers validate first (see <see cref="NccoParser"/>), so this never reports errors.
/// Each built-in verb reads itself (<c>Verbs/*/…Json.cs</c>, found through <see cref="NccoVerbs"/>); any other
/// name becomes a <see cref="CustomAction"/>. Endpoints are read here: <c>connect</c> and REST calls share them.
/// </summary>
internal static class NccoReader
{
    public static NccoDocument ReadDocument(NccoNode ncco)
    {
        var actions = new NccoAction[ncco.GetArrayLength()];
        var i = 0;
        foreach (var action in ncco.EnumerateArray()) actions[i++] = ReadAction(action);
        return new NccoDocument(EquatableList<NccoAction>.Wrap(actions));
    }

    public static NccoAction ReadAction(NccoNode a)
    {
        // Dispatch on the UTF-8 name: no string is allocated for the action name, and a plain name finds its verb by its
        // length and first letter; an escaped one (rare) is compared with each.
        var name = a.GetProperty("action"u8);
        if (name.TryGetUnescaped(out var raw))
        {
            return NccoVerbs.FindUtf8(raw) is { } found ? found.Read(a) : new CustomAction(name.GetString(), a.ToJsonValue());
        }
        foreach (var verb in NccoVerbs.BuiltIn)
        {
            if (name.ValueEquals(verb.Utf8Name)) return verb.Read(a);
        }
        return new CustomAction(name.GetString(), a.ToJsonValue());
    }

    /// <summary>Reads a validated endpoint object (also used for REST <c>to</c>).</summary>
    public static CallEndpoint ReadEndpoint(NccoNode e) => EndpointType(e.GetProperty("type"u8)) switch
    {
        EndpointTypes.Phone => new PhoneEndpoint(e.GetProperty("number"u8).GetString()!)
        {
            DtmfAnswer = e.String("dtmfAnswer"u8),
            OnAnswer = e.Object("onAnswer"u8) is { } o ? new OnAnswer(o.Url("url"u8)) { LazyRingbackTone = o.Url("ringbackTone"u8).Or(o.Url("ringback"u8)) } : null,
            Shaken = e.String("shaken"u8),
        },
        EndpointTypes.App => new AppEndpoint(e.GetProperty("user"u8).GetString()!),
        EndpointTypes.Vbc => new VbcEndpoint(e.GetProperty("extension"u8).GetString()!),
        EndpointTypes.WebSocket => new WebSocketEndpoint(e.GetProperty("uri"u8).GetUrl(), (e.String("content-type"u8) ?? e.String("contentType"u8))!)
        {
            Headers = e.Raw("headers"u8),
            Authorization = e.Object("authorization"u8) is { } auth
                ? new WebSocketAuthorization(auth.Is("type"u8, "custom"u8) ? WebSocketAuthorizationType.Custom : WebSocketAuthorizationType.Vonage, auth.String("value"u8))
                : null,
        },
        _ => new SipEndpoint
        {
            Uri = e.String("uri"u8),
            User = e.String("user"u8),
            Domain = e.String("domain"u8),
            Headers = e.Object("headers"u8) is { } headers
                ? EquatableList<KeyValuePair<string, string>>.Wrap(headers.StringMembers())
                : null,
            UserToUser = (e.Object("standardHeaders"u8) ?? e.Object("standard_headers"u8)) is { } standard ? standard.String("User-to-User"u8) : null,
        },
    };

    /// <summary>The validated endpoint type as the table's own string: matched as UTF-8, nothing decoded.</summary>
    private static string EndpointType(NccoNode type) =>
        type.ValueEquals("phone"u8) ? EndpointTypes.Phone
        : type.ValueEquals("app"u8) ? EndpointTypes.App
        : type.ValueEquals("vbc"u8) ? EndpointTypes.Vbc
        : type.ValueEquals("websocket"u8) ? EndpointTypes.WebSocket
        : EndpointTypes.Sip;
}
