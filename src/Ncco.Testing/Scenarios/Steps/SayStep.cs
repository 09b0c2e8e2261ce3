using System.Globalization;
using Ncco.Testing.Scenarios.Parsing;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary><c>say</c>: speech — <see cref="VirtualCall.SaysAsync"/>.</summary>
internal sealed class SayStep : StepDefinition
{
    public override string Name => "say";

    public override string Summary =>
        "The party says something: a speech input hears it as this text, with this confidence.";

    public override string Example => "- say: { text: I need support, confidence: 0.82 }";

    public override string? Shorthand => "text";

    public override IReadOnlyList<StepProperty> Properties { get; } =
    [
        new("text", ValueKind.Text, "What speech recognition hears.") { Required = true },
        new("confidence", ValueKind.Decimal, "How sure recognition is, 0 to 1.") { Minimum = 0, Maximum = 1, Default = 0.9 },
        new("duration", ValueKind.Duration, "How long the party speaks. Default: about as long as the text takes to say."),
        StepProperty.Party("Who speaks. Default: the first caller."),
    ];

    public override void Check(StepArguments arguments, SourceLocation at, ScenarioCheck check) =>
        arguments.Party = check.Party(Name, arguments.Text("party"), arguments.At("party") ?? at);

    public override string Describe(StepArguments arguments) =>
        $"{arguments.Party} says \"{arguments.Text("text")}\"" + (arguments.Decimal("confidence") is { } c ? $" (confidence {c.ToString(CultureInfo.InvariantCulture)})" : "");

    public override async Task RunAsync(StepArguments arguments, SourceLocation at, ScenarioContext context) =>
        await context.Party(arguments.Party).SaysAsync(arguments.Text("text")!, arguments.Decimal("confidence") ?? 0.9, arguments.Duration("duration"), at.File, at.Line);
}
