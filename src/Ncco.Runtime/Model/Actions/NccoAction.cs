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

/// <summary>The wire names of the built-in actions.</summary>
public static class ActionNames
{
    /// <summary><c>record</c></summary>
    public const string Record = "record";
    /// <summary><c>conversation</c></summary>
    public const string Conversation = "conversation";
    /// <summary><c>connect</c></summary>
    public const string Connect = "connect";
    /// <summary><c>talk</c></summary>
    public const string Talk = "talk";
    /// <summary><c>stream</c></summary>
    public const string Stream = "stream";
    /// <summary><c>input</c></summary>
    public const string Input = "input";
    /// <summary><c>notify</c></summary>
    public const string Notify = "notify";
    /// <summary><c>wait</c></summary>
    public const string Wait = "wait";
    /// <summary><c>transfer</c></summary>
    public const string Transfer = "transfer";
}
