using System.Globalization;

namespace Ncco.Rules;

/// <summary>
/// How rules are described in error messages. Shared by the runtime validator and the analyzers so a mistake reads
/// the same in the IDE and at run time.
/// </summary>
internal static class RuleText
{
    /// <summary><c>from 0 to 10</c>, <c>at least 0</c>, <c>at most 7200</c>.</summary>
    public static string Bounds(PropertyRule rule)
    {
        if (rule.Minimum is { } min && rule.Maximum is { } max) return "from " + Number(min) + " to " + Number(max);
        if (rule.Minimum is { } low) return "at least " + Number(low);
        if (rule.Maximum is { } high) return "at most " + Number(high);
        return "a number";
    }

    /// <summary>The bounds with a leading space, or nothing when the rule has none.</summary>
    public static string Range(PropertyRule rule) =>
        rule.Minimum is null && rule.Maximum is null ? string.Empty : " " + Bounds(rule);

    /// <summary>How many items an array must hold: <c>exactly one URL</c>, <c>1 to 2 items</c>.</summary>
    public static string Count(PropertyRule rule)
    {
        var min = rule.MinLength;
        var max = rule.MaxLength;
        if (min == 1 && max == 1) return rule.Format == ValueFormat.HttpUrl ? "exactly one URL" : "exactly one item";
        if (min is { } a && max is { } b) return a + " to " + b + " items";
        if (min is { } least) return "at least " + least + " item" + (least == 1 ? string.Empty : "s");
        if (max is { } most) return "at most " + most + " items";
        return "any number of items";
    }

    /// <summary>A number as the wire writes it.</summary>
    public static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A rule description continued mid-sentence (first letter lowered unless it starts an acronym).</summary>
    public static string Lower(string sentence) =>
        sentence.Length > 1 && char.IsUpper(sentence[0]) && !char.IsUpper(sentence[1])
            ? char.ToLowerInvariant(sentence[0]) + sentence.Substring(1)
            : sentence;
}
