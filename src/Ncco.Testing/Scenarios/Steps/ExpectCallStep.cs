using Ncco.Testing.Scenarios.Parsing;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary><c>expect_call</c>: the app dials someone — <see cref="VoiceSimulator.ExpectOutboundCallAsync"/>.</summary>
internal sealed class ExpectCallStep : StepDefinition
{
    public override string Name => "expect_call";

    public override string Summary =>
        "Waits until the app calls someone (a connect action, or an outbound call), optionally a given number; the party then rings "
        + "until a later step answers it, or says it is busy or does not answer.";

    public override string Example => """- expect_call: { to: "447700900099", as: agent }""";

    public override string? Shorthand => "to";

    public override bool Bare => true;

    public override IReadOnlyList<StepProperty> Properties { get; } =
    [
        new("to", ValueKind.Number, "The number (or SIP URI, user, websocket URI) the app must call. Default: any."),
        new("as", ValueKind.Name, "A name for this party, for later steps. Default: callee (then callee2…)."),
        StepProperty.Within,
    ];

    public override void Check(StepArguments arguments, SourceLocation at, ScenarioCheck check) =>
        arguments.Party = check.DefineCallee(arguments.Text("as"), at);

    public override string Describe(StepArguments arguments) =>
        $"expect a call{(arguments.Text("to") is { } to ? " to " + to : "")} ({arguments.Party})";

    public override async Task RunAsync(StepArguments arguments, SourceLocation at, ScenarioContext context)
    {
        var party = await context.Simulator.ExpectOutboundCallAsync(arguments.Text("to"), arguments.Duration("within"), at.File, at.Line);
        context.Name(party, arguments.Party!);
    }
}
