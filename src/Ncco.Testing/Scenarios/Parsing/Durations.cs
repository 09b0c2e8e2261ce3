using System.Globalization;
using System.Text.RegularExpressions;

namespace Ncco.Testing.Scenarios.Parsing;

/// <summary>Durations as people write them in scenario files: <c>7s</c>, <c>500ms</c>, <c>2m</c>, <c>1m30s</c>, <c>1h</c>, <c>2.5s</c>.</summary>
internal static partial class Durations
{
    /// <summary>The longest duration a step takes (virtual time; longer is almost certainly a typo).</summary>
    public static readonly TimeSpan Maximum = TimeSpan.FromHours(24);

    /// <summary>The pattern the schema gives for the text form.</summary>
    public const string Pattern = "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$";

    [GeneratedRegex("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)", RegexOptions.CultureInvariant)]
    private static partial Regex Part();

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex Whole();

    /// <summary>Parses the text form; null when it is not one.</summary>
    public static TimeSpan? Parse(string text)
    {
        if (text.Length > 64 || !Whole().IsMatch(text)) return null;
        var total = 0.0;
        foreach (Match m in Part().Matches(text))
        {
            var n = double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch { "ms" => n / 1000, "s" => n, "m" => n * 60, _ => n * 3600 };
        }
        return total > Maximum.TotalSeconds ? Maximum + TimeSpan.FromTicks(1) : TimeSpan.FromSeconds(total);
    }

    /// <summary><c>7s</c>, <c>1.5s</c>, <c>2m</c>, <c>1m30s</c>.</summary>
    public static string Format(TimeSpan d)
    {
        if (d.TotalSeconds < 1) return d.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
        if (d.TotalSeconds < 60 || d.Seconds != 0 && d.TotalMinutes < 10 && d.Milliseconds != 0) return d.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
        var parts = new List<string>();
        if (d.Hours + d.Days * 24 > 0) parts.Add((d.Hours + d.Days * 24).ToString(CultureInfo.InvariantCulture) + "h");
        if (d.Minutes > 0) parts.Add(d.Minutes.ToString(CultureInfo.InvariantCulture) + "m");
        if (d.Seconds > 0 || d.Milliseconds > 0) parts.Add((d.Seconds + d.Milliseconds / 1000.0).ToString("0.###", CultureInfo.InvariantCulture) + "s");
        return string.Concat(parts);
    }
}
