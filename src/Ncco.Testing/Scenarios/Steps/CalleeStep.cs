using Ncco.Testing.Scenarios.Parsing;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary>
/// How a party the app called responds: <c>answer</c>, <c>busy</c>, <c>no_answer</c>, <c>reject</c>, <c>fail</c> —
/// <see cref="VirtualParty.AnswerAsync"/>, <see cref="VirtualParty.BusyAsync"/>, <see cref="VirtualParty.NoAnswerAsync"/>,
/// <see cref="VirtualParty.RejectAsync"/>, <see cref="VirtualParty.FailAsync"/>.
/// </summary>
internal sealed class CalleeStep(string name, string summary, string verb, Func<VirtualParty, SourceLocation, Expectation> respond) : StepDefinition
{
    public static IReadOnlyList<CalleeStep> All { get; } =
    [
        new("answer", "The party the app called answers: the call connects.", "answers", (p, at) => p.AnswerAsync(at.File, at.Line)),
        new("busy", "The party the app called is busy: the app's connect fails with status busy (and its fallback runs).", "is busy", (p, at) => p.BusyAsync(at.File, at.Line)),
        new("no_answer", "The party the app called does not answer (status unanswered).", "does not answer", (p, at) => p.NoAnswerAsync(at.File, at.Line)),
        new("reject", "The party the app called rejects the call (status rejected).", "rejects", (p, at) => p.RejectAsync(at.File, at.Line)),
        new("fail", "The call to the party cannot be put through (status failed).", "fails", (p, at) => p.FailAsync(file: at.File, line: at.Line)),
    ];

    public override string Name => name;

    public override string Summary => summary + " Names the party, or acts on the latest expect_call.";

    public override string Example => Name == "answer" ? "- answer: agent" : "- " + Name;

    public override string? Shorthand => "party";

    public override bool Bare => true;

    public override IReadOnlyList<StepProperty> Properties { get; } =
    [
        StepProperty.Party("The party (named by expect_call's 'as'). Default: the latest expect_call."),
    ];

    public override void Check(StepArguments arguments, SourceLocation at, ScenarioCheck check) =>
        arguments.Party = check.Callee(Name, arguments.Text("party"), arguments.At("party") ?? at);

    public override string Describe(StepArguments arguments) => $"{arguments.Party} {verb}";

    public override async Task RunAsync(StepArguments arguments, SourceLocation at, ScenarioContext context) =>
        await respond(context.Callee(arguments.Party), at);
}
