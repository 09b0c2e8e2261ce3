namespace Ncco.Testing.Scenarios;

/// <summary>One scenario read from a scenario file: a call written down as steps (see the "Scenario files" section of the README).</summary>
public sealed class Scenario
{
    internal Scenario(string name, string? description, SourceLocation location, ScenarioApp app, TimeSpan? timeout, IReadOnlyList<ScenarioStep> steps)
    {
        Name = name;
        Description = description;
        Location = location;
        App = app;
        Timeout = timeout;
        Steps = steps;
    }

    /// <summary>The scenario's <c>name</c> (or, without one, the file's name).</summary>
    public string Name { get; }

    /// <summary>The optional <c>description</c>.</summary>
    public string? Description { get; }

    /// <summary>Where the scenario starts (its document in the file).</summary>
    public SourceLocation Location { get; }

    /// <summary>The scenario's own webhook settings (<c>app:</c>); unset ones come from the runner.</summary>
    public ScenarioApp App { get; }

    /// <summary>How long (virtual time) an expectation may wait, when the scenario sets <c>timeout</c>.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<ScenarioStep> Steps { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Location.File})";
}
