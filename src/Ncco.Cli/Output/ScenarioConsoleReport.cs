using System.Globalization;
using Ncco.Testing.Scenarios;

namespace Ncco.Cli.Output;

/// <summary>
/// What <c>ncco test</c> prints, like a test runner: a line per scenario as it finishes (PASS/FAIL, file, name, time),
/// then every failure in full (the step as written with file:line:column, expected vs actual, the call log), the
/// errors of invalid files, and a one-line summary.
/// </summary>
internal sealed class ScenarioConsoleReport(TextWriter output, Func<string, string> display)
{
    public void Start(int scenarios, int files, Uri app) =>
        output.WriteLine($"Running {Count(scenarios, "scenario")} from {Count(files, "file")} against {app}");

    public void Note(string line) => output.WriteLine("  " + line);

    public void Result(ScenarioResult result)
    {
        output.WriteLine($"  {(result.Passed ? "PASS" : "FAIL")}  {Name(result.Scenario)} ({Milliseconds(result.Duration)})");
        output.Flush();
    }

    public void Finish(IReadOnlyList<ScenarioResult> results, IReadOnlyList<ScenarioFile> invalid, int emptyDirectories, TimeSpan elapsed)
    {
        var failed = results.Where(r => !r.Passed).ToList();
        var number = 0;
        if (failed.Count > 0 || invalid.Count > 0) output.WriteLine();
        foreach (var result in failed)
        {
            output.WriteLine($"{++number}) {Name(result.Scenario)}");
            Indented(result.Failure!.ToString());
            output.WriteLine();
        }
        foreach (var file in invalid)
        {
            output.WriteLine($"{++number}) {display(file.Path)} is not a valid scenario file ({Count(file.Errors.Count, "error")}):");
            foreach (var error in file.Errors) output.WriteLine($"   {display(error.Location.File)}:{error.Location.Line}:{error.Location.Column}: {error.Message}");
            output.WriteLine();
        }
        var parts = new List<string> { $"{results.Count(r => r.Passed)} passed", $"{failed.Count} failed" };
        if (invalid.Count > 0) parts.Add($"{Count(invalid.Count, "file")} with errors");
        if (emptyDirectories > 0) parts.Add($"{Count(emptyDirectories, "directory", "directories")} without scenario files");
        output.WriteLine($"{string.Join(", ", parts)} ({Count(results.Count, "scenario")}, {elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s)");
        output.Flush();
    }

    private string Name(Scenario scenario) => $"{display(scenario.Location.File)} › {scenario.Name}";

    private void Indented(string text)
    {
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n')) output.WriteLine(line.Length == 0 ? "" : "   " + line);
    }

    private static string Milliseconds(TimeSpan d) => d.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private static string Count(int n, string one, string? many = null) => $"{n} {(n == 1 ? one : many ?? one + "s")}";
}
