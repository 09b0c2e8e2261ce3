using System.Globalization;
using System.Text;
using System.Xml;
using Ncco.Testing.Scenarios;

namespace Ncco.Cli.Output;

/// <summary>
/// <c>ncco test --junit</c>: the results as JUnit XML, the format CI systems (GitHub Actions reporters, GitLab, Jenkins,
/// Azure DevOps) show as tests. One <c>testsuite</c> per scenario file, one <c>testcase</c> per scenario (classname: the
/// file, name: the scenario's name); a failure carries the whole report, the call log goes to <c>system-out</c>. A file
/// with errors is one test case with an <c>error</c> listing them, so it cannot go unnoticed.
/// </summary>
internal static class JUnitReport
{
    public static string Write(IReadOnlyList<ScenarioResult> results, IReadOnlyList<ScenarioFile> invalid, Func<string, string> display, DateTimeOffset finished, TimeSpan elapsed)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), NewLineChars = "\n", CheckCharacters = false };
        var sb = new StringBuilder();
        using (var xml = XmlWriter.Create(new StringWriter(sb, CultureInfo.InvariantCulture), settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", "ncco test");
            xml.WriteAttributeString("tests", Number(results.Count + invalid.Count));
            xml.WriteAttributeString("failures", Number(results.Count(r => !r.Passed)));
            xml.WriteAttributeString("errors", Number(invalid.Count));
            xml.WriteAttributeString("time", Seconds(elapsed));
            xml.WriteAttributeString("timestamp", finished.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
            foreach (var file in results.GroupBy(r => r.Scenario.Location.File, StringComparer.Ordinal))
            {
                var name = display(file.Key);
                xml.WriteStartElement("testsuite");
                xml.WriteAttributeString("name", name);
                xml.WriteAttributeString("tests", Number(file.Count()));
                xml.WriteAttributeString("failures", Number(file.Count(r => !r.Passed)));
                xml.WriteAttributeString("errors", "0");
                xml.WriteAttributeString("time", Seconds(TimeSpan.FromTicks(file.Sum(r => r.Duration.Ticks))));
                foreach (var result in file)
                {
                    xml.WriteStartElement("testcase");
                    xml.WriteAttributeString("classname", name);
                    xml.WriteAttributeString("name", result.Scenario.Name);
                    xml.WriteAttributeString("file", name);
                    xml.WriteAttributeString("line", Number(result.Scenario.Location.Line));
                    xml.WriteAttributeString("time", Seconds(result.Duration));
                    if (result.Failure is { } failure)
                    {
                        xml.WriteStartElement("failure");
                        xml.WriteAttributeString("message", Clean(FirstLine(failure.Message)));
                        xml.WriteAttributeString("type", "ScenarioFailed");
                        xml.WriteString(Clean(failure.ToString()));
                        xml.WriteEndElement();
                    }
                    if (result.CallLog.Length > 0) xml.WriteElementString("system-out", Clean(result.CallLog));
                    xml.WriteEndElement();
                }
                xml.WriteEndElement();
            }
            foreach (var file in invalid)
            {
                var name = display(file.Path);
                xml.WriteStartElement("testsuite");
                xml.WriteAttributeString("name", name);
                xml.WriteAttributeString("tests", "1");
                xml.WriteAttributeString("failures", "0");
                xml.WriteAttributeString("errors", "1");
                xml.WriteAttributeString("time", "0");
                xml.WriteStartElement("testcase");
                xml.WriteAttributeString("classname", name);
                xml.WriteAttributeString("name", "scenario file is valid");
                xml.WriteAttributeString("file", name);
                xml.WriteStartElement("error");
                xml.WriteAttributeString("message", Clean($"{file.Errors.Count} error(s) in the scenario file"));
                xml.WriteAttributeString("type", "InvalidScenarioFile");
                xml.WriteString(Clean(string.Join("\n", file.Errors.Select(e => $"{display(e.Location.File)}:{e.Location.Line}:{e.Location.Column}: {e.Message}"))));
                xml.WriteEndElement();
                xml.WriteEndElement();
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        return sb.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal) + "\n";
    }

    private static string FirstLine(string text) => text.ReplaceLineEndings("\n").Split('\n')[0];

    // XML 1.0 cannot carry most control characters, even escaped; an app's payload may hold them.
    private static string Clean(string text) =>
        string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c is '\t' or '\n' or '\r' || (c >= 0x20 && c != 0xFFFE && c != 0xFFFF && !char.IsSurrogate(c)) || (char.IsSurrogate(c) && IsPaired(source, i)) ? c : '\uFFFD';
            }
        });

    private static bool IsPaired(string s, int i) =>
        char.IsHighSurrogate(s[i]) ? i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]) : i > 0 && char.IsHighSurrogate(s[i - 1]);

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan d) => d.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture);
}
