namespace Ncco.Testing.Scenarios;

/// <summary>
/// A scenario file as the loader read it: its scenarios (one per YAML document), or — when anything in it is wrong —
/// every error with its line, and no scenario (a file runs whole or not at all, like a source file that must compile).
/// </summary>
public sealed class ScenarioFile
{
    internal ScenarioFile(string path, IReadOnlyList<Scenario> scenarios, IReadOnlyList<ScenarioError> errors)
    {
        Path = path;
        Scenarios = errors.Count == 0 ? scenarios : [];
        Errors = errors;
    }

    /// <summary>The file's path, as given to the loader.</summary>
    public string Path { get; }

    /// <summary>The scenarios, in file order (none when <see cref="Errors"/> is not empty).</summary>
    public IReadOnlyList<Scenario> Scenarios { get; }

    /// <summary>Everything wrong with the file, in file order.</summary>
    public IReadOnlyList<ScenarioError> Errors { get; }

    /// <summary>True when the file has no error.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Every error, one per line, as <c>file:line:column: message</c>.</summary>
    public string DescribeErrors() => string.Join(Environment.NewLine, Errors);
}
