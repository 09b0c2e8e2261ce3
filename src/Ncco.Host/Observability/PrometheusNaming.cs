using System.Globalization;
using System.Text;

namespace Ncco.Host.Observability;

/// <summary>
/// Turns <see cref="System.Diagnostics.Metrics"/> instrument names, units and tags into Prometheus text-format
/// (0.0.4) names, label names and escaped values, following the conventions of the OpenTelemetry Prometheus exporter
/// so dashboards written against either keep working: <c>ncco.calls.started</c> → <c>ncco_calls_started_total</c>,
/// a histogram in <c>ms</c> → <c>ncco_webhook_duration_milliseconds</c>.
/// </summary>
public static class PrometheusNaming
{
    /// <summary>The metric name of an instrument: sanitised, with its unit suffix and, for monotonic counters, <c>_total</c>.</summary>
    public static string MetricName(string instrumentName, string? unit, bool monotonic)
    {
        var name = Sanitize(instrumentName, allowColon: true);
        var suffix = UnitSuffix(unit);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal)) name += "_" + suffix;
        if (monotonic && !name.EndsWith("_total", StringComparison.Ordinal)) name += "_total";
        return name;
    }

    /// <summary>A label name: characters outside <c>[a-zA-Z0-9_]</c> become <c>_</c>, and a leading digit gets a <c>_</c> prefix.</summary>
    public static string LabelName(string tagKey) => Sanitize(tagKey, allowColon: false);

    /// <summary>A label value escaped for the text format (backslash, double quote and line feed).</summary>
    public static string EscapeLabelValue(string value)
    {
        if (value.AsSpan().IndexOfAny('\\', '"', '\n') < 0) return value;
        return value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }

    /// <summary>A <c># HELP</c> text escaped for the text format (backslash and line feed).</summary>
    public static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A sample value as the text format writes it: invariant culture, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>A tag value as label text: strings verbatim, numbers and booleans invariant, null empty.</summary>
    public static string TagValueText(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    // UCUM units as OpenTelemetry's exporter spells them; annotations such as {leg} say what is counted and carry no unit.
    private static string UnitSuffix(string? unit) => unit switch
    {
        null or "" or "1" => string.Empty,
        "ms" => "milliseconds",
        "s" => "seconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "min" => "minutes",
        "h" => "hours",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "%" => "percent",
        _ when unit.StartsWith('{') => string.Empty,
        _ => Sanitize(unit, allowColon: false),
    };

    private static string Sanitize(string text, bool allowColon)
    {
        var builder = new StringBuilder(text.Length + 1);
        foreach (var c in text)
        {
            var valid = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' || (allowColon && c == ':');
            // Runs of invalid characters collapse to one underscore so "ncco.calls..x" does not become "ncco_calls__x".
            if (valid) builder.Append(c);
            else if (builder.Length == 0 || builder[^1] != '_') builder.Append('_');
        }
        if (builder.Length == 0 || char.IsAsciiDigit(builder[0])) builder.Insert(0, '_');
        return builder.ToString();
    }
}
