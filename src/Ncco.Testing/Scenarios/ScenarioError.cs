namespace Ncco.Testing.Scenarios;

/// <summary>Something wrong with a scenario file (YAML syntax, an unknown step, a value of the wrong type), with where it is.</summary>
/// <param name="Location">Where in the file.</param>
/// <param name="Message">What is wrong and, where there is one, how to fix it.</param>
public sealed record ScenarioError(SourceLocation Location, string Message)
{
    /// <summary><c>file:line:column: message</c>.</summary>
    public override string ToString() => $"{Location}: {Message}";
}
