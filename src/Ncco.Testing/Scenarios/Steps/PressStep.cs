using Ncco.Testing.Scenarios.Parsing;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary><c>press</c>: keys — <see cref="VirtualCall.PressAsync"/>.</summary>
internal sealed class PressStep : StepDefinition
{
    public override string Name => "press";

    public override string Summary => "The party presses keys on the keypad (DTMF), now — while a prompt plays, that barges in.";

    public override string Example => "- press: 1";

    public override string? Shorthand => "keys";

    public override IReadOnlyList<StepProperty> Properties { get; } =
    [
        new("keys", ValueKind.Keys, "The keys, in order: 0-9, * and # (quote a value that starts with * or #: \"#\").") { Required = true },
        StepProperty.Party("Who presses. Default: the first caller."),
    ];

    public override void Check(StepArguments arguments, SourceLocation at, ScenarioCheck check) =>
        arguments.Party = check.Party(Name, arguments.Text("party"), arguments.At("party") ?? at);

    public override string Describe(StepArguments arguments) => $"{arguments.Party} presses {arguments.Text("keys")}";

    public override async Task RunAsync(StepArguments arguments, SourceLocation at, ScenarioContext context) =>
        await context.Party(arguments.Party).PressAsync(arguments.Text("keys")!, at.File, at.Line);
}
