using Ncco.Testing.Scenarios.Parsing;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary><c>dial</c>: an inbound call — <see cref="VoiceSimulator.CallAsync"/>.</summary>
internal sealed class DialStep : StepDefinition
{
    public override string Name => "dial";

    public override string Summary =>
        "A caller dials your number: the app's answer webhook runs, and the step goes on once the call is answered (or has failed).";

    public override string Example => """- dial: { from: "447700900001", to: "447700900000" }""";

    public override IReadOnlyList<StepProperty> Properties { get; } =
    [
        new("from", ValueKind.Number, "The caller's number (the answer webhook's 'from').") { Required = true },
        new("to", ValueKind.Number, "The number dialled: your Vonage number (the answer webhook's 'to').") { Required = true },
        new("as", ValueKind.Name, "A name for this caller, for later steps' 'party'. Default: caller (then caller2, caller3…)."),
    ];

    public override void Check(StepArguments arguments, SourceLocation at, ScenarioCheck check) =>
        arguments.Party = check.DefineCaller(arguments.Text("as"), at);

    public override string Describe(StepArguments arguments) =>
        $"{arguments.Party} dials {arguments.Text("to")} from {arguments.Text("from")}";

    public override async Task RunAsync(StepArguments arguments, SourceLocation at, ScenarioContext context)
    {
        var call = await context.Simulator.CallAsync(arguments.Text("from")!, arguments.Text("to")!, file: at.File, line: at.Line);
        context.Name(call, arguments.Party!);
    }
}
