using System.Globalization;
using System.Text.Json;

namespace Ncco.Serialization;

/// <summary>
/// Lenient readers for scalar JSON values: numbers and booleans may arrive as strings (older SDKs and PHP send
/// <c>"3"</c> and <c>"true"</c>). The validator and the reader share them so they never disagree.
/// </summary>
internal static class JsonValues
{
    public static bool TryGetInteger(JsonElement value, out long result)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                if (value.TryGetInt64(out result)) return true;
                if (value.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < 1e15)
                {
                    result = (long)d;
                    return true;
                }
                break;
            case JsonValueKind.String:
                return long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result);
        }
        result = 0;
        return false;
    }

    public static bool TryGetNumber(JsonElement value, out double result)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return value.TryGetDouble(out result);
            case JsonValueKind.String:
                return double.TryParse(value.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out result)
                    && double.IsFinite(result);
        }
        result = 0;
        return false;
    }

    public static bool TryGetBoolean(JsonElement value, out bool result)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.True:
                result = true;
                return true;
            case JsonValueKind.False:
                result = false;
                return true;
            case JsonValueKind.String:
                if (value.ValueEquals("true")) { result = true; return true; }
                if (value.ValueEquals("false")) { result = false; return true; }
                break;
        }
        result = false;
        return false;
    }

    /// <summary>Whether a value equals a table value (<c>"true"</c>, <c>"conversation"</c>), reading booleans leniently.</summary>
    public static bool EqualsRuleValue(JsonElement value, string expected)
    {
        if (expected is "true" or "false")
        {
            return TryGetBoolean(value, out var b) && b == (expected == "true");
        }
        return value.ValueKind == JsonValueKind.String && value.ValueEquals(expected);
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "the string \"" + Truncate(value.GetString()!) + "\"",
        JsonValueKind.Number => "the number " + value.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => value.ValueKind.ToString(),
    };

    private static string Truncate(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
