using Ncco.Testing.Scenarios.Parsing;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary><c>expect_end</c> — <see cref="VirtualCall.EndsAsync"/>.</summary>
internal sealed class ExpectEndStep : StepDefinition
{
    public override string Name => "expect_end";

    public override string Summary => "Waits until the party's call has ended (the app hung up, or the NCCO ran out).";

    public override string Example => "- expect_end";

    public override string? Shorthand => "party";

    public override bool Bare => true;

    public override IReadOnlyList<StepProperty> Properties { get; } =
    [
        StepProperty.Party("Whose call. Default: the first caller."),
        StepProperty.Within,
    ];

    public override void Check(StepArguments arguments, SourceLocation at, ScenarioCheck check) =>
        arguments.Party = check.Party(Name, arguments.Text("party"), arguments.At("party") ?? at);

    public override string Describe(StepArguments arguments) => $"{arguments.Party}'s call ends";

    public override async Task RunAsync(StepArguments arguments, SourceLocation at, ScenarioContext context) =>
        await context.Party(arguments.Party).EndsAsync(arguments.Duration("within"), at.File, at.Line);
}
