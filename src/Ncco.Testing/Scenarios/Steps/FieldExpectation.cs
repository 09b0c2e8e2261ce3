using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary>
/// What a webhook payload must contain (<c>fields:</c> of <c>expect_event</c> / <c>expect_webhook</c>): a subset of the
/// JSON — every named field present with the given value, other fields ignored.
/// </summary>
internal abstract record FieldExpectation
{
    /// <summary>True when <paramref name="actual"/> (null: the field is absent) satisfies this expectation.</summary>
    public abstract bool Matches(JsonElement? actual);

    /// <summary>The expectation in words, each field as <c>path = value</c>.</summary>
    public abstract string Describe(string path);

    /// <summary>Each field that does not match, with what it is instead (<c>dtmf.digits is "2"</c>), for failure messages.</summary>
    public virtual IEnumerable<string> Mismatches(JsonElement? actual, string path)
    {
        if (Matches(actual)) yield break;
        yield return actual switch
        {
            null => $"{path} is absent",
            { ValueKind: JsonValueKind.Null } => $"{path} is null",
            { ValueKind: JsonValueKind.String } a => $"{path} is \"{a.GetString()}\"",
            { ValueKind: JsonValueKind.Object or JsonValueKind.Array } a => $"{path} is {(a.GetRawText() is { Length: > 80 } raw ? raw[..80] + "…" : a.GetRawText())}",
            { } a => $"{path} is {a.GetRawText()}",
        };
    }

    /// <summary>The text a scalar JSON value is compared as: a string's value, a number's or literal's JSON text.</summary>
    internal static string? ScalarText(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        _ => null,
    };
}

/// <summary>A mapping: each member (a name, or a dotted path such as <c>dtmf.digits</c>) must match.</summary>
internal sealed record ObjectFieldExpectation(IReadOnlyList<(string Key, FieldExpectation Expected)> Members) : FieldExpectation
{
    public override bool Matches(JsonElement? actual) =>
        actual is { ValueKind: JsonValueKind.Object or JsonValueKind.Array } a && Members.All(m => m.Expected.Matches(Find(a, m.Key)));

    // A dotted key walks objects by name and arrays by index (speech.results.0.text); payload field names never contain dots.
    private static JsonElement? Find(JsonElement element, string key)
    {
        var current = element;
        foreach (var part in key.Split('.'))
        {
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(part, out var next)) current = next;
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < current.GetArrayLength()) current = current[i];
            else return null;
        }
        return current;
    }

    public override string Describe(string path) =>
        string.Join(", ", Members.Select(m => m.Expected.Describe(Join(path, m.Key))));

    public override IEnumerable<string> Mismatches(JsonElement? actual, string path)
    {
        if (actual is not { ValueKind: JsonValueKind.Object or JsonValueKind.Array } a)
        {
            return path.Length == 0 ? ["the body is not a JSON object"] : base.Mismatches(actual, path);
        }
        return Members.SelectMany(m => m.Expected.Mismatches(Find(a, m.Key), Join(path, m.Key)));
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;
}

/// <summary>A scalar: the field's value, compared as text (<c>1</c> matches <c>"1"</c>), numbers also by value; <c>null</c> matches an absent field too.</summary>
internal sealed record ScalarFieldExpectation(string? Text) : FieldExpectation
{
    public override bool Matches(JsonElement? actual)
    {
        if (Text is null) return actual is null || actual.Value.ValueKind == JsonValueKind.Null;
        if (actual is not { } a) return false;
        var text = ScalarText(a);
        if (text is null) return false;
        if (string.Equals(text, Text, StringComparison.Ordinal)) return true;
        return a.ValueKind == JsonValueKind.Number
            && double.TryParse(Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var expected)
            && a.TryGetDouble(out var value) && value == expected;
    }

    public override string Describe(string path) => Text is null ? $"{path} absent or null" : $"{path} = \"{Text}\"";
}

/// <summary><c>{ regex: … }</c>: the field's scalar text matches the pattern.</summary>
internal sealed record PatternFieldExpectation(Regex Pattern) : FieldExpectation
{
    public override bool Matches(JsonElement? actual) =>
        actual is { } a && ScalarText(a) is { } text && Pattern.IsMatch(text);

    public override string Describe(string path) => $"{path} matching /{Pattern}/";
}
