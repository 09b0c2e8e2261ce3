using Ncco.Testing.Scenarios.Parsing;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary><c>stay_silent</c>: virtual time passes — <see cref="VirtualCall.StaysSilentAsync"/>.</summary>
internal sealed class StaySilentStep : StepDefinition
{
    public override string Name => "stay_silent";

    public override string Summary =>
        "The party says and presses nothing while this much (virtual) time passes: inputs time out, prompts play on, the app's timers run.";

    public override string Example => "- stay_silent: 6s";

    public override string? Shorthand => "duration";

    public override IReadOnlyList<StepProperty> Properties { get; } =
    [
        new("duration", ValueKind.Duration, "How long.") { Required = true },
        StepProperty.Party("Who stays silent. Default: the first caller."),
    ];

    public override void Check(StepArguments arguments, SourceLocation at, ScenarioCheck check) =>
        arguments.Party = check.Party(Name, arguments.Text("party"), arguments.At("party") ?? at);

    public override string Describe(StepArguments arguments) => $"{arguments.Party} stays silent for {Durations.Format(arguments.Duration("duration")!.Value)}";

    public override async Task RunAsync(StepArguments arguments, SourceLocation at, ScenarioContext context) =>
        await context.Party(arguments.Party).StaysSilentAsync(arguments.Duration("duration")!.Value, at.File, at.Line);
}
