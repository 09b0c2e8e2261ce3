using System.Text.Json;
using Ncco.Model;

namespace Ncco.Serialization;

/// <summary>The wire shapes several verbs share, for each verb's writer (<c>Verbs/*/…Json.cs</c>).</summary>
internal static class NccoFieldWrites
{
    /// <summary><c>eventUrl</c> as a one-element array when set, <c>eventMethod</c> only when not the default POST.</summary>
    public static void WriteEventUrl(this Utf8JsonWriter w, Uri? url, WebhookMethod method)
    {
        if (url is not null) w.WriteUrlArray("eventUrl", url);
        if (method != WebhookMethod.Post) w.WriteString("eventMethod", "GET");
    }

    /// <summary>A URL as the one-element array the NCCO wire uses (<c>streamUrl</c>, <c>eventUrl</c>).</summary>
    public static void WriteUrlArray(this Utf8JsonWriter w, string name, Uri url)
    {
        w.WriteStartArray(name);
        w.WriteStringValue(url.OriginalString);
        w.WriteEndArray();
    }

    public static void WriteStrings(this Utf8JsonWriter w, string name, IEnumerable<string> items)
    {
        w.WriteStartArray(name);
        foreach (var item in items) w.WriteStringValue(item);
        w.WriteEndArray();
    }

    public static void WriteRaw(this Utf8JsonWriter w, string name, JsonElement value)
    {
        w.WritePropertyName(name);
        value.WriteTo(w);
    }
}
