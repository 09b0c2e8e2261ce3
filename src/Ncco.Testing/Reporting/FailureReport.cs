using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Ncco.Diagnostics;

namespace Ncco.Testing.Reporting;

/// <summary>
/// Failure messages that fit on a screen: the call log without webhook payloads, repeated cycles collapsed to one
/// copy with "×N", at most <see cref="MaxLines"/> lines; the whole log, payloads included, goes to a file named in the
/// message.
/// </summary>
internal static partial class FailureReport
{
    public const int MaxLines = 60;

    /// <summary>How a failure message's call log section starts: a report that finds it does not add the log again.</summary>
    public const string CallLogHeading = "Call log (virtual time";

    public static string CompactLog(CallLog log)
    {
        var lines = log.RenderText(includeWebhookPayloads: false).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var keys = lines.Select(l => Time().Replace(l, "")).ToList();
        var output = new List<string>();
        foreach (var run in Repeats.Collapse(keys))
        {
            for (var k = 0; k < run.Length; k++) output.Add(lines[run.Start + k]);
            if (run.Times > 1)
            {
                var last = lines[run.Start + run.Count - 1];
                var until = Time().Match(last).Value.Trim();
                output.Add(run.Length == 1
                    ? string.Create(CultureInfo.InvariantCulture, $"            … ×{run.Times} in all, the last at {until}")
                    : string.Create(CultureInfo.InvariantCulture, $"            … these {run.Length} lines ×{run.Times} in all, until {until}"));
            }
        }
        if (output.Count > MaxLines)
        {
            const int head = 20;
            var tail = MaxLines - head;
            var skipped = output.Count - head - tail;
            output = [.. output.Take(head), string.Create(CultureInfo.InvariantCulture, $"            … {skipped} lines left out (see the full log) …"), .. output.TakeLast(tail)];
        }
        return string.Join('\n', output) + "\n";
    }

    /// <summary>Writes the whole log; returns the path, or why it could not be written.</summary>
    public static string WriteFullLog(CallLog log, string directory, string name)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, name);
            File.WriteAllText(path, log.RenderText(), Encoding.UTF8);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"(could not be written to {directory}: {e.Message})";
        }
    }

    public static string FileName(string? callSite) =>
        (callSite is null ? "simulator" : Unsafe().Replace(callSite, "-")) + ".calllog.txt";

    [GeneratedRegex(@"^\+[0-9:.]+\s+")]
    private static partial Regex Time();

    [GeneratedRegex(@"[^A-Za-z0-9._-]")]
    private static partial Regex Unsafe();
}
