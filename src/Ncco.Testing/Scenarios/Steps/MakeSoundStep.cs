using Ncco.Testing.Scenarios.Parsing;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary><c>make_sound</c>: non-speech sound — <see cref="VirtualCall.SpeaksForAsync"/>.</summary>
internal sealed class MakeSoundStep : StepDefinition
{
    public override string Name => "make_sound";

    public override string Summary =>
        "The party makes sound that is not recognised speech for a while: leaving a voicemail message, noise that keeps a recording going.";

    public override string Example => "- make_sound: 7s";

    public override string? Shorthand => "duration";

    public override IReadOnlyList<StepProperty> Properties { get; } =
    [
        new("duration", ValueKind.Duration, "How long.") { Required = true },
        StepProperty.Party("Who makes the sound. Default: the first caller."),
    ];

    public override void Check(StepArguments arguments, SourceLocation at, ScenarioCheck check) =>
        arguments.Party = check.Party(Name, arguments.Text("party"), arguments.At("party") ?? at);

    public override string Describe(StepArguments arguments) => $"{arguments.Party} makes sound for {Durations.Format(arguments.Duration("duration")!.Value)}";

    public override async Task RunAsync(StepArguments arguments, SourceLocation at, ScenarioContext context) =>
        await context.Party(arguments.Party).SpeaksForAsync(arguments.Duration("duration")!.Value, at.File, at.Line);
}
