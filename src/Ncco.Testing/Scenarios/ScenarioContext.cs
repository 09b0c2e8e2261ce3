namespace Ncco.Testing.Scenarios;

/// <summary>A running scenario: the simulator, and the parties by name.</summary>
internal sealed class ScenarioContext(VoiceSimulator simulator)
{
    private readonly Dictionary<string, VirtualCall> _parties = new(StringComparer.Ordinal);

    public VoiceSimulator Simulator { get; } = simulator;

    /// <summary>Gives a party the scenario's name for it, in the simulator's messages and call log too.</summary>
    public void Name(VirtualCall party, string name)
    {
        party.Label = name;
        Simulator.Log.Label(party.Uuid, name);
        _parties[name] = party;
    }

    public VirtualCall Party(string? name) =>
        name is not null && _parties.TryGetValue(name, out var p) ? p : throw new InvalidOperationException($"The scenario has no party '{name}' at this step.");

    public VirtualParty Callee(string? name) =>
        Party(name) as VirtualParty ?? throw new InvalidOperationException($"'{name}' is not a party the app called.");
}
