namespace Ncco.Testing.Scenarios.Steps;

/// <summary>Every step of the scenario format, in the order the README and the schema list them.</summary>
internal static class StepCatalog
{
    public static IReadOnlyList<StepDefinition> All { get; } =
    [
        new DialStep(),
        new HearStep(),
        new StartHearingStep(),
        new PressStep(),
        new SayStep(),
        new MakeSoundStep(),
        new StaySilentStep(),
        new ExpectCallStep(),
        .. CalleeStep.All,
        new AnswerAsMachineStep(),
        new ExpectEventStep(),
        new ExpectWebhookStep(),
        new HangUpStep(),
        new ExpectEndStep(),
    ];

    private static readonly Dictionary<string, StepDefinition> ByName = All.ToDictionary(s => s.Name, StringComparer.Ordinal);

    public static StepDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    public static IEnumerable<string> Names => All.Select(s => s.Name);
}
