using Ncco.Testing.Scenarios.Parsing;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary>
/// One step of the scenario format, in one place: its name and properties (from which the loader reads it and the
/// JSON Schema is generated), its checks against the rest of the scenario, and how it runs — always through the C#
/// DSL (<see cref="VoiceSimulator"/>, <see cref="VirtualCall"/>), so a YAML step and its C# call cannot drift apart.
/// </summary>
internal abstract class StepDefinition
{
    /// <summary>The step's name as written in files (<c>hear</c>, <c>expect_call</c>).</summary>
    public abstract string Name { get; }

    /// <summary>What it does, one or two sentences (the schema's description, which editors show).</summary>
    public abstract string Summary { get; }

    /// <summary>A short example of its use in a file (the README shows one per step).</summary>
    public abstract string Example { get; }

    /// <summary>The properties of its long form.</summary>
    public virtual IReadOnlyList<StepProperty> Properties => [];

    /// <summary>The property a plain value stands for (<c>press: 1</c> is <c>press: { keys: 1 }</c>), if it has a short form.</summary>
    public virtual string? Shorthand => null;

    /// <summary>True when the step may be written as its name alone (<c>- hang_up</c>).</summary>
    public virtual bool Bare => false;

    /// <summary>Checks the step against the scenario so far (parties, combinations the schema cannot say) and resolves its party.</summary>
    public virtual void Check(StepArguments arguments, SourceLocation at, ScenarioCheck check)
    {
    }

    /// <summary>What the step does, in words, e.g. <c>caller presses 1</c>.</summary>
    public abstract string Describe(StepArguments arguments);

    /// <summary>Runs the step through the DSL. A step that does not come true throws <see cref="VoiceExpectationException"/>.</summary>
    public abstract Task RunAsync(StepArguments arguments, SourceLocation at, ScenarioContext context);
}
