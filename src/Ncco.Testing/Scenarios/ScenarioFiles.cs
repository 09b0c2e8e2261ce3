using System.Runtime.CompilerServices;

namespace Ncco.Testing.Scenarios;

/// <summary>
/// The scenario files of a folder as test data: <c>[Theory, MemberData(nameof(Scenarios))]</c> over
/// <c>public static IEnumerable&lt;object[]&gt; Scenarios =&gt; ScenarioFiles.In("scenarios");</c>, then
/// <c>scenario.RunAsync&lt;Program&gt;()</c>. Works with xunit v2 and v3 (and any framework that takes rows of objects).
/// </summary>
public static class ScenarioFiles
{
    /// <summary>
    /// One row (a <see cref="ScenarioCase"/>) per scenario in the <c>*.yaml</c> / <c>*.yml</c> files under
    /// <paramref name="folder"/>. A relative folder is looked for beside the test assembly (files copied to the output),
    /// then beside the calling source file, then in the current directory.
    /// </summary>
    public static IEnumerable<object[]> In(string folder, [CallerFilePath] string callerFile = "") =>
        Cases(folder, callerFile).Select(c => new object[] { c });

    /// <summary>The same cases, typed.</summary>
    public static IReadOnlyList<ScenarioCase> Cases(string folder, [CallerFilePath] string callerFile = "")
    {
        ArgumentNullException.ThrowIfNull(folder);
        var directory = Resolve(folder, callerFile);
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(directory)) ?? directory;
        var cases = new List<ScenarioCase>();
        foreach (var path in ScenarioLoader.Find(directory))
        {
            var display = Path.GetRelativePath(parent, path).Replace('\\', '/');
            ScenarioFile file;
            try
            {
                file = ScenarioLoader.Load(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                file = new ScenarioFile(path, [], [new ScenarioError(new SourceLocation(path, 1, 1), "cannot read the file: " + e.Message)]);
            }
            if (!file.IsValid) cases.Add(new ScenarioCase(display, file, null));
            else cases.AddRange(file.Scenarios.Select(s => new ScenarioCase(display, file, s)));
        }
        if (cases.Count == 0) throw new FileNotFoundException($"No scenario files (*.yaml, *.yml) in {directory}.");
        return cases;
    }

    private static string Resolve(string folder, string callerFile)
    {
        if (Path.IsPathRooted(folder)) return Directory.Exists(folder) ? folder : throw new DirectoryNotFoundException($"The scenario folder {folder} does not exist.");
        var tried = new List<string> { Path.Combine(AppContext.BaseDirectory, folder) };
        if (callerFile.Length > 0 && Path.GetDirectoryName(callerFile) is { Length: > 0 } source) tried.Add(Path.Combine(source, folder));
        tried.Add(Path.GetFullPath(folder));
        return tried.FirstOrDefault(Directory.Exists)
            ?? throw new DirectoryNotFoundException($"The scenario folder '{folder}' was not found; looked in:\n  " + string.Join("\n  ", tried));
    }
}
