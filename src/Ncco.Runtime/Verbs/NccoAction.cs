namespace Ncco.Model.Actions;

/// <summary>
/// One step of an NCCO. Concrete actions are immutable records with the documented defaults; the interpreter
/// finds the handler for an action by <see cref="Name"/>, so custom actions are ordinary subclasses.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(Ncco.Serialization.NccoActionJsonConverter))]
public abstract record NccoAction
{
    /// <summary>The wire name of the action (<c>"talk"</c>, <c>"input"</c>, …).</summary>
    public abstract string Name { get; }
}
