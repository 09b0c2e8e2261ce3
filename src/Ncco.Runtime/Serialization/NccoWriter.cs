using System.Buffers;
using System.Text.Json;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Model.Endpoints;
using Ncco.Verbs;

namespace Ncco.Serialization;

/// <summary>
/// Writes the typed model as Vonage wire JSON: the current documented spelling of every key, URLs as one-element
/// arrays, and options equal to their documented default left out. Each built-in verb writes itself
/// (<c>Verbs/*/…Json.cs</c>, found through <see cref="NccoVerbs"/>); a <see cref="CustomAction"/> is written as given.
/// </summary>
public static class NccoWriter
{
    /// <summary>The NCCO as a JSON string.</summary>
    public static string Write(NccoDocument ncco, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            Write(writer, ncco);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The NCCO as UTF-8 JSON bytes.</summary>
    public static byte[] WriteUtf8(NccoDocument ncco)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, ncco);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the NCCO array.</summary>
    public static void Write(Utf8JsonWriter writer, NccoDocument ncco)
    {
        writer.WriteStartArray();
        foreach (var action in ncco.Actions) WriteAction(writer, action);
        writer.WriteEndArray();
    }

    /// <summary>Writes one action object.</summary>
    public static void WriteAction(Utf8JsonWriter w, NccoAction action)
    {
        if (action is CustomAction custom)
        {
            custom.Json.WriteTo(w);
            return;
        }

        var verb = NccoVerbs.Find(action)
            ?? throw new NotSupportedException($"No writer for action type {action.GetType().Name}; derive custom actions from {nameof(CustomAction)}.");
        w.WriteStartObject();
        w.WriteString("action", action.Name);
        verb.Write(w, action);
        w.WriteEndObject();
    }

    /// <summary>Writes one endpoint object (NCCO <c>connect.endpoint[]</c> spelling).</summary>
    public static void WriteEndpoint(Utf8JsonWriter w, CallEndpoint endpoint)
    {
        w.WriteStartObject();
        w.WriteString("type", endpoint.Type);
        switch (endpoint)
        {
            case PhoneEndpoint phone:
                w.WriteString("number", phone.Number);
                if (phone.DtmfAnswer is not null) w.WriteString("dtmfAnswer", phone.DtmfAnswer);
                if (phone.OnAnswer is { } onAnswer)
                {
                    w.WriteStartObject("onAnswer");
                    w.WriteString("url", onAnswer.Url.OriginalString);
                    if (onAnswer.RingbackTone is { } ringback) w.WriteString("ringbackTone", ringback.OriginalString);
                    w.WriteEndObject();
                }
                if (phone.Shaken is not null) w.WriteString("shaken", phone.Shaken);
                break;
            case AppEndpoint app:
                w.WriteString("user", app.User);
                break;
            case VbcEndpoint vbc:
                w.WriteString("extension", vbc.Extension);
                break;
            case WebSocketEndpoint socket:
                w.WriteString("uri", socket.Uri.OriginalString);
                w.WriteString("content-type", socket.ContentType);
                if (socket.Headers is { } headers) w.WriteRaw("headers", headers);
                if (socket.Authorization is { } authorization)
                {
                    w.WriteStartObject("authorization");
                    w.WriteString("type", authorization.Type == WebSocketAuthorizationType.Custom ? "custom" : "vonage");
                    if (authorization.Value is not null) w.WriteString("value", authorization.Value);
                    w.WriteEndObject();
                }
                break;
            case SipEndpoint sip:
                if (sip.Uri is not null) w.WriteString("uri", sip.Uri);
                if (sip.User is not null) w.WriteString("user", sip.User);
                if (sip.Domain is not null) w.WriteString("domain", sip.Domain);
                if (sip.Headers is { } sipHeaders)
                {
                    w.WriteStartObject("headers");
                    foreach (var header in sipHeaders) w.WriteString(header.Key, header.Value);
                    w.WriteEndObject();
                }
                if (sip.UserToUser is not null)
                {
                    w.WriteStartObject("standardHeaders");
                    w.WriteString("User-to-User", sip.UserToUser);
                    w.WriteEndObject();
                }
                break;
        }
        w.WriteEndObject();
    }
}
