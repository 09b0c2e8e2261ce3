using System.Globalization;
using System.Text.RegularExpressions;

namespace Ncco.Host.Tests.Observability;

/// <summary>
/// The logging convention (issue 18; <c>src/Ncco.Host/README.md</c>, Decisions): log lines go through
/// <see cref="Microsoft.Extensions.Logging.LoggerMessageAttribute"/>-generated methods, grouped in one <c>…Log</c> class
/// per area, each class stating its event id range in its docs (<c>Event ids 2000–2099.</c>); ids are unique within a
/// project and every id lies in its class's range. Checked on the source, so a new <c>logger.LogWarning(…)</c> on a
/// call path fails here, not in a profile.
/// </summary>
public sealed partial class LoggingConventionTests
{
    // Places that log only at start-up, shutdown or on an operator's action, where a generated method buys nothing.
    private static readonly string[] AdHocAllowed =
    [
        "src/Ncco.Host/Demo/",
        "src/Ncco.Host/Operations/",
        "src/Ncco.Host/NccoHostExtensions.cs",
    ];

    private static readonly string Root = FindRoot();

    [GeneratedRegex(@"\.Log(Trace|Debug|Information|Warning|Error|Critical)\s*\(|\.Log\s*\(\s*LogLevel\.")]
    private static partial Regex AdHocCall();

    [GeneratedRegex(@"\[LoggerMessage\(\s*(?:EventId\s*=\s*)?(\d+)")]
    private static partial Regex LoggerMessageId();

    [GeneratedRegex(@"Event ids\s+(?:///\s*)?(\d+)\s*[–-]\s*(?:///\s*)?(\d+)")]
    private static partial Regex DeclaredRange();

    private static IEnumerable<(string Project, string Path, string Text)> Sources() =>
        Directory.EnumerateDirectories(Path.Combine(Root, "src"))
            .SelectMany(project => Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Select(f => (Path.GetFileName(project), Path.GetRelativePath(Root, f).Replace('\\', '/'), File.ReadAllText(f))));

    [Fact]
    public void Log_lines_outside_start_up_and_operator_code_use_generated_logger_message_methods()
    {
        var adHoc = Sources()
            .Where(s => !AdHocAllowed.Any(a => s.Path.StartsWith(a, StringComparison.Ordinal)))
            .SelectMany(s => s.Text.Split('\n').Select((line, i) => (s.Path, Line: i + 1, Text: line.Trim())))
            .Where(l => !l.Text.StartsWith("//", StringComparison.Ordinal) && AdHocCall().IsMatch(l.Text))
            .Select(l => $"{l.Path}:{l.Line}: {l.Text}")
            .ToList();

        Assert.True(adHoc.Count == 0, "log through a [LoggerMessage] method of the area's …Log class instead:\n" + string.Join("\n", adHoc));
    }

    [Fact]
    public void Every_logger_message_has_an_event_id_unique_in_its_project_and_inside_its_classes_declared_range()
    {
        var problems = new List<string>();
        var checkedIds = 0;
        foreach (var project in Sources().Where(s => s.Text.Contains("[LoggerMessage", StringComparison.Ordinal)).GroupBy(s => s.Project))
        {
            var ranges = new List<(int First, int Last, string Path)>();
            var ids = new Dictionary<int, string>();
            foreach (var (_, path, text) in project)
            {
                var calls = Regex.Matches(text, @"\[LoggerMessage\b").Count;
                var found = LoggerMessageId().Matches(text);
                if (found.Count != calls) problems.Add($"{path}: every [LoggerMessage] needs an explicit event id");
                if (DeclaredRange().Match(text) is not { Success: true } range)
                {
                    problems.Add($"{path}: the class's docs must say 'Event ids FIRST–LAST.'");
                    continue;
                }
                var (first, last) = (Parse(range.Groups[1].Value), Parse(range.Groups[2].Value));
                foreach (var other in ranges.Where(r => first <= r.Last && r.First <= last))
                    problems.Add($"{path}: event ids {first}–{last} overlap {other.Path}'s {other.First}–{other.Last}");
                ranges.Add((first, last, path));
                foreach (Match m in found)
                {
                    var id = Parse(m.Groups[1].Value);
                    checkedIds++;
                    if (id < first || id > last) problems.Add($"{path}: event id {id} is outside its declared {first}–{last}");
                    if (!ids.TryAdd(id, path)) problems.Add($"{path}: event id {id} is also used by {ids[id]} ({project.Key})");
                }
            }
        }

        Assert.True(checkedIds > 50, $"only {checkedIds} [LoggerMessage] ids found: is the source scan looking in the right place ({Root})?");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static int Parse(string digits) => int.Parse(digits, CultureInfo.InvariantCulture);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ncco.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Ncco.sln not found above " + AppContext.BaseDirectory);
    }
}
