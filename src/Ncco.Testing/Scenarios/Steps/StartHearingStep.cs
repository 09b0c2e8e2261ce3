using Ncco.Testing.Scenarios.Parsing;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary><c>start_hearing</c>: waits until a prompt starts — <see cref="VirtualCall.StartsHearingAsync"/> (to barge in).</summary>
internal sealed class StartHearingStep : StepDefinition
{
    public override string Name => "start_hearing";

    public override string Summary =>
        "Waits until a prompt containing the text starts playing, without waiting for its end: the next step (press, say) barges in while it plays.";

    public override string Example => "- start_hearing: Welcome to Acme";

    public override string? Shorthand => "text";

    public override IReadOnlyList<StepProperty> Properties { get; } =
    [
        new("text", ValueKind.Text, "Text the prompt contains (case-insensitive).") { Required = true },
        StepProperty.Party("Who hears it. Default: the first caller."),
        StepProperty.Within,
    ];

    public override void Check(StepArguments arguments, SourceLocation at, ScenarioCheck check) =>
        arguments.Party = check.Party(Name, arguments.Text("party"), arguments.At("party") ?? at);

    public override string Describe(StepArguments arguments) => $"{arguments.Party} starts hearing \"{arguments.Text("text")}\"";

    public override async Task RunAsync(StepArguments arguments, SourceLocation at, ScenarioContext context) =>
        await context.Party(arguments.Party).StartsHearingAsync(arguments.Text("text")!, arguments.Duration("within"), at.File, at.Line);
}
