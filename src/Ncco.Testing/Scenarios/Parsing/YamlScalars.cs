using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ncco.Testing.Scenarios.Parsing;

/// <summary>What a YAML scalar is under the YAML 1.2 core schema — the reading editors (yaml-language-server) and the JSON
/// Schema see — so the loader's "wrong type" agrees with the editor's.</summary>
internal enum ScalarType
{
    Null,
    Boolean,
    Integer,
    Float,
    String,
}

/// <summary>YAML 1.2 core schema resolution of scalars, and the JSON a YAML document stands for.</summary>
internal static partial class YamlScalars
{
    [GeneratedRegex("^(null|Null|NULL|~|)$", RegexOptions.CultureInvariant)]
    private static partial Regex NullPattern();

    [GeneratedRegex("^(true|True|TRUE|false|False|FALSE)$", RegexOptions.CultureInvariant)]
    private static partial Regex BoolPattern();

    [GeneratedRegex("^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();

    public static ScalarType TypeOf(YamlScalarNode node)
    {
        // Quoted and block scalars are strings; so is anything tagged !!str. Only plain scalars are resolved.
        if ((!node.Tag.IsEmpty && !node.Tag.IsNonSpecific && node.Tag.Value == "tag:yaml.org,2002:str") || node.Style is not (ScalarStyle.Plain or ScalarStyle.Any)) return ScalarType.String;
        var v = node.Value ?? "";
        if (NullPattern().IsMatch(v)) return ScalarType.Null;
        if (BoolPattern().IsMatch(v)) return ScalarType.Boolean;
        if (IntPattern().IsMatch(v)) return ScalarType.Integer;
        if (FloatPattern().IsMatch(v)) return ScalarType.Float;
        return ScalarType.String;
    }

    /// <summary>"text", "a number", "true/false", "nothing" — for messages.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s => TypeOf(s) switch
        {
            ScalarType.Null => "nothing",
            ScalarType.Boolean => $"the boolean {s.Value}",
            ScalarType.Integer or ScalarType.Float => $"the number {s.Value}",
            _ => $"the text \"{Short(s.Value ?? "")}\"",
        },
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping (key: value pairs)",
        _ => "an alias",
    };

    private static string Short(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>The JSON a YAML node stands for under the core schema (what a JSON Schema validator checks).</summary>
    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(ToJson).ToArray()),
        YamlScalarNode s => TypeOf(s) switch
        {
            ScalarType.Null => null,
            ScalarType.Boolean => JsonValue.Create(s.Value!.Equals("true", StringComparison.OrdinalIgnoreCase)),
            ScalarType.Integer => IntegerJson(s.Value!),
            ScalarType.Float => FloatJson(s.Value!),
            _ => JsonValue.Create(s.Value ?? ""),
        },
        _ => throw new InvalidOperationException("Unexpected YAML node " + node.GetType().Name),
    };

    private static JsonNode IntegerJson(string v)
    {
        if (v.StartsWith("0x", StringComparison.Ordinal)) return JsonValue.Create(long.Parse(v[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        if (v.StartsWith("0o", StringComparison.Ordinal)) return JsonValue.Create(Convert.ToInt64(v[2..], 8));
        return decimal.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d) ? JsonValue.Create(d) : JsonValue.Create(double.Parse(v, CultureInfo.InvariantCulture));
    }

    private static JsonNode? FloatJson(string v)
    {
        // JSON has no infinity or NaN: they stand for a number no schema bound accepts, which is what a validator would say.
        if (v.Contains("inf", StringComparison.OrdinalIgnoreCase)) return JsonValue.Create(v.StartsWith('-') ? double.MinValue : double.MaxValue);
        if (v.Contains("nan", StringComparison.OrdinalIgnoreCase)) return JsonValue.Create(double.MaxValue);
        return JsonValue.Create(double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture));
    }
}
