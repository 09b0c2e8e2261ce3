using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Ncco.Host.Tests.Operations;

/// <summary>
/// A strict reader of the Prometheus text format 0.0.4, as a scraper sees it: every line must be a comment, a
/// HELP/TYPE line or a well-formed sample whose family was typed first; label values are unescaped.
/// </summary>
public sealed partial class PrometheusText
{
    private PrometheusText(Dictionary<string, string> types, List<Sample> samples)
    {
        Types = types;
        Samples = samples;
    }

    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyList<Sample> Samples { get; }

    public static PrometheusText Parse(string text)
    {
        Assert.EndsWith("\n", text);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Equal(4, parts.Length);
                Assert.Matches(NamePattern(), parts[2]);
                Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.True(types.TryAdd(parts[2], parts[3]), $"TYPE given twice for {parts[2]}");
                continue;
            }
            if (line.StartsWith('#')) continue;

            var match = SamplePattern().Match(line);
            Assert.True(match.Success, $"not a sample line: {line}");
            var name = match.Groups["name"].Value;
            var family = types.Keys.FirstOrDefault(f => name == f || (types[f] == "histogram" && (name == f + "_bucket" || name == f + "_sum" || name == f + "_count")));
            Assert.True(family is not null, $"sample {name} before its TYPE line");
            samples.Add(new Sample(name, ParseLabels(match.Groups["labels"].Value), ParseValue(match.Groups["value"].Value)));
        }
        return new PrometheusText(types, samples);
    }

    /// <summary>The one sample named <paramref name="name"/> whose labels include every pair given.</summary>
    public double Value(string name, params (string Label, string Value)[] labels)
    {
        var matches = Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).ToList();
        Assert.True(matches.Count == 1, $"expected one {name} with {string.Join(",", labels)}, found {matches.Count}");
        return matches[0].Value;
    }

    private static Dictionary<string, string> ParseLabels(string text)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < text.Length)
        {
            var equals = text.IndexOf('=', i);
            var name = text[i..equals];
            Assert.Matches("^[a-zA-Z_][a-zA-Z0-9_]*$", name);
            Assert.Equal('"', text[equals + 1]);
            var value = new StringBuilder();
            var j = equals + 2;
            for (; text[j] != '"'; j++)
            {
                if (text[j] == '\\')
                {
                    j++;
                    value.Append(text[j] switch { 'n' => '\n', '\\' => '\\', '"' => '"', _ => throw new FormatException($"bad escape \\{text[j]}") });
                }
                else
                {
                    value.Append(text[j]);
                }
            }
            Assert.True(labels.TryAdd(name, value.ToString()), $"label {name} twice");
            i = j + 1;
            if (i < text.Length)
            {
                Assert.Equal(',', text[i]);
                i++;
            }
        }
        return labels;
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*)\})? (?<value>\S+)$""")]
    private static partial Regex SamplePattern();

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
