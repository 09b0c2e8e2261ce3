using System.Text.Json;
using Ncco.Model;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Runtime.Tests.Equivalence.OldPath;

/// <summary>
/// Reads optional fields of validated NCCO JSON, leniently (numbers and booleans may be strings, see
/// <see cref="JsonValues"/>): each verb's reader (<c>Verbs/*/…Json.cs</c>) is written with these. Absent or
/// differently typed fields read as null; the validator has already reported anything wrong.
/// </summary>
internal static class NccoFieldReads
{
    public static string? String(this JsonElement e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static int? Int(this JsonElement e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && JsonValues.TryGetInteger(v, out var i) ? checked((int)i) : null;

    public static double? Number(this JsonElement e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && JsonValues.TryGetNumber(v, out var d) ? d : null;

    public static bool? Bool(this JsonElement e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && JsonValues.TryGetBoolean(v, out var b) ? b : null;

    public static JsonElement? Object(this JsonElement e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    /// <summary>Any JSON value, cloned so it outlives the parsed document.</summary>
    public static JsonValue? Raw(this JsonElement e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) ? new JsonValue(v) : null;

    public static Uri? Url(this JsonElement e, ReadOnlySpan<byte> name) => e.String(name) is { } url ? new Uri(url, UriKind.Absolute) : null;

    /// <summary>The URL in a one-element array (<c>eventUrl</c>, <c>streamUrl</c>).</summary>
    public static Uri? FirstUrl(this JsonElement e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0 ? new Uri(v[0].GetString()!, UriKind.Absolute) : null;

    public static EquatableList<string>? Strings(this JsonElement e, ReadOnlySpan<byte> name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Array) return null;
        var items = new string[v.GetArrayLength()];
        var i = 0;
        foreach (var item in v.EnumerateArray()) items[i++] = item.GetString()!;
        return EquatableList<string>.Wrap(items);
    }

    /// <summary><c>eventMethod</c>: GET, else the default POST.</summary>
    public static WebhookMethod EventMethod(this JsonElement e) => e.String("eventMethod"u8) == "GET" ? WebhookMethod.Get : WebhookMethod.Post;
}
