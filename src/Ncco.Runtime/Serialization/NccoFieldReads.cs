using Ncco.Model;
using Ncco.Rules;

namespace Ncco.Serialization;

/// <summary>
/// Reads optional fields of validated NCCO tokens, leniently (numbers and booleans may be strings, read through the rule
/// checker's own reads, see <see cref="NccoNode.TryGetInteger"/>): each verb's reader (<c>Verbs/*/…Json.cs</c>) is
/// written with these. Absent or differently typed fields read as null; the validator has already reported anything wrong.
/// </summary>
internal static class NccoFieldReads
{
    public static string? String(this NccoNode e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && v.Kind == NodeKind.String ? v.GetString() : null;

    public static int? Int(this NccoNode e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && v.TryGetInteger(out var i) ? checked((int)i) : null;

    public static double? Number(this NccoNode e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && v.TryGetNumber(out var d) ? d : null;

    public static bool? Bool(this NccoNode e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && v.TryGetBoolean(out var b) ? b : null;

    public static NccoNode? Object(this NccoNode e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && v.Kind == NodeKind.Object ? v : null;

    /// <summary>Any JSON value, copied so it outlives the parsed bytes.</summary>
    public static JsonValue? Raw(this NccoNode e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) ? v.ToJsonValue() : null;

    public static LazyUrl Url(this NccoNode e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && v.Kind == NodeKind.String ? v.GetUrl() : default;

    /// <summary>The URL in a one-element array (<c>eventUrl</c>, <c>streamUrl</c>).</summary>
    public static LazyUrl FirstUrl(this NccoNode e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && v.Kind == NodeKind.Array && v.GetArrayLength() > 0 ? v[0].GetUrl() : default;

    public static EquatableList<string>? Strings(this NccoNode e, ReadOnlySpan<byte> name)
    {
        if (!e.TryGetProperty(name, out var v) || v.Kind != NodeKind.Array) return null;
        var items = new string[v.GetArrayLength()];
        var i = 0;
        foreach (var item in v.EnumerateArray()) items[i++] = item.GetString();
        return EquatableList<string>.Wrap(items);
    }

    /// <summary>Whether the member is the string <paramref name="utf8Value"/>, compared as UTF-8 (no string is decoded for it).</summary>
    public static bool Is(this NccoNode e, ReadOnlySpan<byte> name, ReadOnlySpan<byte> utf8Value) =>
        e.TryGetProperty(name, out var v) && v.ValueEquals(utf8Value);

    /// <summary><c>eventMethod</c>: GET, else the default POST.</summary>
    public static WebhookMethod EventMethod(this NccoNode e) => e.Is("eventMethod"u8, "GET"u8) ? WebhookMethod.Get : WebhookMethod.Post;
}
