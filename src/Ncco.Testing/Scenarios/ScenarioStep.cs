using Ncco.Testing.Scenarios.Steps;

namespace Ncco.Testing.Scenarios;

/// <summary>One step of a scenario, checked and ready to run.</summary>
public sealed class ScenarioStep
{
    internal ScenarioStep(StepDefinition definition, SourceLocation location, StepArguments arguments, string source)
    {
        Definition = definition;
        Location = location;
        Arguments = arguments;
        Source = source;
    }

    internal StepDefinition Definition { get; }

    internal StepArguments Arguments { get; }

    /// <summary>The step's name (<c>hear</c>, <c>press</c>…).</summary>
    public string Name => Definition.Name;

    /// <summary>Where the step is written.</summary>
    public SourceLocation Location { get; }

    /// <summary>The step as written in the file (its first line), for messages.</summary>
    public string Source { get; }

    /// <summary>What the step does, in words (<c>caller presses 1</c>).</summary>
    public string Describe() => Definition.Describe(Arguments);

    /// <inheritdoc />
    public override string ToString() => $"{Location}: {Source}";
}
