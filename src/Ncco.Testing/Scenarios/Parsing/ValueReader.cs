using System.Globalization;
using System.Text.RegularExpressions;
using Ncco.Testing.Scenarios.Steps;
using YamlDotNet.RepresentationModel;

namespace Ncco.Testing.Scenarios.Parsing;

/// <summary>Reads one property value of a kind (<see cref="ValueKind"/>), or says precisely why it cannot.</summary>
internal sealed partial class ValueReader(Func<YamlNode, SourceLocation> locate, ScenarioCheck check)
{
    /// <summary>Longest regular expression match time: a pattern in a file must not hang a run.</summary>
    public static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    private const int MaxText = 10_000;

    [GeneratedRegex("^[0-9*#]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex KeysPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    public const string KeysSchemaPattern = "^[0-9*#]+$";

    public const string NameSchemaPattern = "^[A-Za-z][A-Za-z0-9_-]*$";

    /// <summary>Reads <paramref name="node"/> as <paramref name="property"/>'s kind; null (and an error) when it is not one.</summary>
    /// <param name="owner">The step (or section) the property belongs to; empty for a scenario's own keys.</param>
    /// <param name="property">The property.</param>
    /// <param name="node">Its value.</param>
    /// <param name="shorthand">True for a step's short form (<c>press: 1a</c>): messages name the step alone.</param>
    public object? Read(string owner, StepProperty property, YamlNode node, bool shorthand = false)
    {
        var at = locate(node);
        var what = owner.Length == 0 ? $"'{property.Name}'" : shorthand ? $"'{owner}'" : $"'{owner}' {property.Name}";
        if (property.Kind == ValueKind.Fields) return ReadFields(what, node);
        if (property.Kind == ValueKind.Paths) return ReadPaths(what, node);
        if (node is not YamlScalarNode scalar)
        {
            return Fail(at, $"{what} must be {Expected(property)}, not {YamlScalars.Describe(node)}");
        }
        var type = YamlScalars.TypeOf(scalar);
        var text = scalar.Value ?? "";
        if (type == ScalarType.Null) return Fail(at, $"{what} needs a value: {Expected(property)}");
        if (text.Length > MaxText) return Fail(at, $"{what} is {text.Length} characters long; at most {MaxText} are read");
        switch (property.Kind)
        {
            case ValueKind.Text:
                return text;
            case ValueKind.Number:
                return type is ScalarType.String or ScalarType.Integer && text.Length > 0 ? text : Fail(at, $"{what} must be {Expected(property)}, not {YamlScalars.Describe(node)}");
            case ValueKind.Keys:
                if (type is not (ScalarType.String or ScalarType.Integer)) return Fail(at, $"{what} must be {Expected(property)}, not {YamlScalars.Describe(node)}");
                return KeysPattern().IsMatch(text) ? text : Fail(at, $"{what} can only have the keys 0-9, * and # (at most 64), not \"{text}\"");
            case ValueKind.Name:
                return type == ScalarType.String && NamePattern().IsMatch(text) ? text
                    : Fail(at, $"{what} must be a name: a letter, then letters, digits, _ or - (at most 64), not {YamlScalars.Describe(node)}");
            case ValueKind.Duration:
                return ReadDuration(what, at, scalar, type);
            case ValueKind.Decimal:
                if (type is not (ScalarType.Integer or ScalarType.Float)
                    || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    || !double.IsFinite(number))
                {
                    return Fail(at, $"{what} must be {Expected(property)}, not {YamlScalars.Describe(node)}");
                }
                return number < property.Minimum || number > property.Maximum ? Fail(at, $"{what} must be {Expected(property)}, not {text}") : number;
            case ValueKind.Boolean:
                return type == ScalarType.Boolean ? text.Equals("true", StringComparison.OrdinalIgnoreCase) : Fail(at, $"{what} must be true or false, not {YamlScalars.Describe(node)}");
            case ValueKind.Pattern:
                if (type != ScalarType.String) return Fail(at, $"{what} must be a regular expression (text), not {YamlScalars.Describe(node)}");
                try
                {
                    return new Regex(text, RegexOptions.CultureInvariant, RegexTimeout);
                }
                catch (ArgumentException e)
                {
                    return Fail(at, $"{what} is not a valid regular expression: {e.Message}");
                }
            case ValueKind.Path:
                return type == ScalarType.String && text.StartsWith('/') && !text.Any(char.IsWhiteSpace) ? text
                    : Fail(at, $"{what} must be a path on the app starting with / (e.g. /webhooks/answer), not {YamlScalars.Describe(node)}");
            case ValueKind.Method:
                return text is "GET" or "POST" or "get" or "post" ? text.ToUpperInvariant() : Fail(at, $"{what} must be GET or POST, not {YamlScalars.Describe(node)}");
            case ValueKind.Url:
                return type == ScalarType.String && Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Host.Length > 0
                    ? url
                    : Fail(at, $"{what} must be an http:// or https:// URL such as https://demo.ngrok.io, not {YamlScalars.Describe(node)}");
            default:
                throw new InvalidOperationException(property.Kind.ToString());
        }
    }

    private object? ReadDuration(string what, SourceLocation at, YamlScalarNode scalar, ScalarType type)
    {
        var text = scalar.Value ?? "";
        TimeSpan? duration = type switch
        {
            ScalarType.Integer or ScalarType.Float when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && double.IsFinite(s) =>
                s > Durations.Maximum.TotalSeconds ? Durations.Maximum + TimeSpan.FromTicks(1) : s < 0 ? TimeSpan.FromTicks(-1) : TimeSpan.FromSeconds(s),
            ScalarType.String => Durations.Parse(text),
            _ => null,
        };
        if (duration is null) return Fail(at, $"{what} must be a duration such as 7s, 500ms, 2m or 1m30s (or a number of seconds), not {YamlScalars.Describe(scalar)}");
        if (duration <= TimeSpan.Zero) return Fail(at, $"{what} must be longer than 0, not {text}");
        if (duration > Durations.Maximum) return Fail(at, $"{what} is longer than the 24h a step may take: {text}");
        return duration.Value;
    }

    // One path, or a list of them: allow_webhook_errors: /webhooks/answer, or [/webhooks/answer, /webhooks/event].
    private string[]? ReadPaths(string what, YamlNode node)
    {
        var items = node is YamlSequenceNode list ? list.Children.ToList() : [node];
        if (items.Count == 0) return (string[]?)Fail(locate(node), $"{what} is an empty list: name at least one path, e.g. [/webhooks/answer]");
        var paths = new List<string>();
        foreach (var item in items)
        {
            if (item is not YamlScalarNode { Value: { } text } scalar || YamlScalars.TypeOf(scalar) != ScalarType.String
                || !text.StartsWith('/') || text.Any(char.IsWhiteSpace) || text.Length > MaxText)
            {
                return (string[]?)Fail(locate(item), $"{what} must be paths on the app starting with / (e.g. [/webhooks/answer]), not {YamlScalars.Describe(item)}");
            }
            paths.Add(text);
        }
        return [.. paths];
    }

    private FieldExpectation? ReadFields(string what, YamlNode node)
    {
        var at = locate(node);
        if (node is not YamlMappingNode map) return (FieldExpectation?)Fail(at, $"{what} must be a mapping of field names to values (e.g. {{ status: completed }}), not {YamlScalars.Describe(node)}");
        if (map.Children.Count == 0) return (FieldExpectation?)Fail(at, $"{what} is empty: name at least one field");
        var members = new List<(string, FieldExpectation)>();
        var ok = true;
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = keyNode is YamlScalarNode k && YamlScalars.TypeOf(k) != ScalarType.Null ? k.Value ?? "" : "";
            if (key.Length == 0 || key.Split('.').Any(p => p.Length == 0))
            {
                Fail(locate(keyNode), $"{what} has a field name that is empty or not text: {YamlScalars.Describe(keyNode)}");
                ok = false;
                continue;
            }
            var expected = ReadField($"{what} field '{key}'", valueNode);
            if (expected is null) ok = false;
            else members.Add((key, expected));
        }
        return ok ? new ObjectFieldExpectation(members) : null;
    }

    private FieldExpectation? ReadField(string what, YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode s:
                return new ScalarFieldExpectation(YamlScalars.TypeOf(s) == ScalarType.Null ? null : s.Value ?? "");
            case YamlMappingNode m when m.Children.Count == 1 && m.Children.Keys.Single() is YamlScalarNode { Value: "regex" }:
                var pattern = Read("", new StepProperty("regex", ValueKind.Pattern, ""), m.Children.Values.Single());
                return pattern is Regex r ? new PatternFieldExpectation(r) : null;
            case YamlMappingNode:
                return ReadFields(what, node);
            default:
                return (FieldExpectation?)Fail(locate(node), $"{what} is a list, and lists are not compared: name one element by its index, e.g. speech.results.0.text");
        }
    }

    /// <summary>What a kind takes, in words.</summary>
    public static string Expected(StepProperty property) => property.Kind switch
    {
        ValueKind.Text => "text",
        ValueKind.Number => "a phone number or name",
        ValueKind.Keys => "keys to press (0-9, * and #)",
        ValueKind.Name => "a party's name",
        ValueKind.Duration => "a duration such as 7s, 500ms, 2m or 1m30s",
        ValueKind.Decimal => $"a number from {property.Minimum?.ToString(CultureInfo.InvariantCulture)} to {property.Maximum?.ToString(CultureInfo.InvariantCulture)}",
        ValueKind.Boolean => "true or false",
        ValueKind.Pattern => "a regular expression",
        ValueKind.Path => "a path starting with /",
        ValueKind.Method => "GET or POST",
        ValueKind.Fields => "a mapping of field names to values",
        ValueKind.Url => "an http:// or https:// URL",
        ValueKind.Paths => "a path starting with /, or a list of them",
        _ => property.Kind.ToString(),
    };

    private object? Fail(SourceLocation at, string message)
    {
        check.Error(at, message);
        return null;
    }
}
