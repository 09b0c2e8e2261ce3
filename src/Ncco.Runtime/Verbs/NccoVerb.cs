using Ncco.Interpreter;
using Ncco.Model.Actions;

namespace Ncco.Verbs;

/// <summary>
/// One built-in verb as the runtime knows it: its wire name, its action record, the handler that runs it, and the
/// line the call log shows when it starts. Each verb folder declares its entry (<c>Talk/TalkVerb.cs</c>);
/// <see cref="NccoVerbs"/> lists them.
/// </summary>
internal sealed class NccoVerb
{
    private NccoVerb(string name, Type actionType, Func<IActionHandler> createHandler, Func<NccoAction, string> describe)
    {
        Name = name;
        ActionType = actionType;
        CreateHandler = createHandler;
        Describe = describe;
    }

    /// <summary>The wire name (<c>"talk"</c>).</summary>
    public string Name { get; }

    /// <summary>The action record the verb reads into.</summary>
    public Type ActionType { get; }

    /// <summary>A new instance of the built-in handler.</summary>
    public Func<IActionHandler> CreateHandler { get; }

    /// <summary>The call log's line when the action starts.</summary>
    public Func<NccoAction, string> Describe { get; }

    /// <summary>An entry for <typeparamref name="TAction"/>; <paramref name="describe"/> defaults to the verb's name.</summary>
    public static NccoVerb Of<TAction>(string name, Func<IActionHandler> createHandler, Func<TAction, string>? describe = null)
        where TAction : NccoAction =>
        new(name, typeof(TAction), createHandler, describe is null ? _ => name : action => describe((TAction)action));
}
