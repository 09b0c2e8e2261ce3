using Ncco.Testing.Scenarios.Parsing;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary><c>hang_up</c> — <see cref="VirtualCall.HangUpAsync"/>.</summary>
internal sealed class HangUpStep : StepDefinition
{
    public override string Name => "hang_up";

    public override string Summary => "The party hangs up.";

    public override string Example => "- hang_up";

    public override string? Shorthand => "party";

    public override bool Bare => true;

    public override IReadOnlyList<StepProperty> Properties { get; } =
    [
        StepProperty.Party("Who hangs up. Default: the first caller."),
    ];

    public override void Check(StepArguments arguments, SourceLocation at, ScenarioCheck check) =>
        arguments.Party = check.Party(Name, arguments.Text("party"), arguments.At("party") ?? at);

    public override string Describe(StepArguments arguments) => $"{arguments.Party} hangs up";

    public override async Task RunAsync(StepArguments arguments, SourceLocation at, ScenarioContext context) =>
        await context.Party(arguments.Party).HangUpAsync(at.File, at.Line);
}
