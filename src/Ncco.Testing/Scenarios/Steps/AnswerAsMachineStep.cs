using Ncco.Testing.Scenarios.Parsing;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary><c>answer_as_machine</c>: voicemail picks up — <see cref="VirtualParty.AnswerAsMachineAsync"/>.</summary>
internal sealed class AnswerAsMachineStep : StepDefinition
{
    public override string Name => "answer_as_machine";

    public override string Summary =>
        "An answering machine answers the party the app called: machine detection reports 'machine', then the beep.";

    public override string Example => "- answer_as_machine: { party: agent, beep: false }";

    public override string? Shorthand => "party";

    public override bool Bare => true;

    public override IReadOnlyList<StepProperty> Properties { get; } =
    [
        StepProperty.Party("The party (named by expect_call's 'as'). Default: the latest expect_call."),
        new("beep", ValueKind.Boolean, "Whether the machine beeps (detection reports the beep).") { Default = true },
    ];

    public override void Check(StepArguments arguments, SourceLocation at, ScenarioCheck check) =>
        arguments.Party = check.Callee(Name, arguments.Text("party"), arguments.At("party") ?? at);

    public override string Describe(StepArguments arguments) => $"{arguments.Party} answers as a machine";

    public override async Task RunAsync(StepArguments arguments, SourceLocation at, ScenarioContext context) =>
        await context.Callee(arguments.Party).AnswerAsMachineAsync(arguments.Boolean("beep") ?? true, at.File, at.Line);
}
