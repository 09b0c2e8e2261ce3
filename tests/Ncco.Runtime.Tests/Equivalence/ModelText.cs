using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Ncco.Model;

namespace Ncco.Runtime.Tests.Equivalence;

/// <summary>
/// A deterministic, lossless text of a parsed model for the golden snapshots: every public property of every record
/// (declaration order), lists in order, embedded JSON canonicalised (strings unescaped, numbers as written), so two
/// models that are <c>Equals</c> give the same text and two that differ in any bound value do not. Not the wire writer
/// on purpose: <see cref="Serialization.NccoWriter"/> leaves defaults out and renames aliases, which would hide a change.
/// </summary>
internal static class ModelText
{
    public static string Of(NccoDocument document)
    {
        var text = new StringBuilder();
        Append(text, document);
        return text.ToString();
    }

    private static void Append(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                return;
            case string s:
                text.Append('"').Append(s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
                return;
            case bool or Enum or Uri:
                text.Append(value);
                return;
            case IFormattable formattable:
                text.Append(formattable.ToString(null, CultureInfo.InvariantCulture));
                return;
            case JsonValue json:
                AppendJson(text, json.Element);
                return;
            case JsonElement element:
                AppendJson(text, element);
                return;
            case IEnumerable items:
                text.Append('[');
                var first = true;
                foreach (var item in items)
                {
                    if (!first) text.Append(',');
                    first = false;
                    Append(text, item);
                }
                text.Append(']');
                return;
        }
        var type = value.GetType();
        text.Append(type.Name).Append('{');
        var separator = "";
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).OrderBy(p => p.MetadataToken))
        {
            text.Append(separator).Append(property.Name).Append('=');
            Append(text, property.GetValue(value));
            separator = ",";
        }
        text.Append('}');
    }

    private static void AppendJson(StringBuilder text, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                text.Append('{');
                var separator = "";
                foreach (var property in element.EnumerateObject())
                {
                    text.Append(separator);
                    Append(text, property.Name);
                    text.Append(':');
                    AppendJson(text, property.Value);
                    separator = ",";
                }
                text.Append('}');
                return;
            case JsonValueKind.Array:
                text.Append('[');
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first) text.Append(',');
                    first = false;
                    AppendJson(text, item);
                }
                text.Append(']');
                return;
            case JsonValueKind.String:
                Append(text, element.GetString());
                return;
            case JsonValueKind.Undefined:
                text.Append("undefined");
                return;
            default:
                text.Append(element.GetRawText());
                return;
        }
    }
}
