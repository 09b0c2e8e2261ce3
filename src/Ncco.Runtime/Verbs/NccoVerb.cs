using System.Text;
using System.Text.Json;
using Ncco.Interpreter;
using Ncco.Model.Actions;
using Ncco.Serialization;

namespace Ncco.Verbs;

/// <summary>
/// One built-in verb as the runtime knows it: its wire name, its action record, how it is read from and written to
/// JSON, the handler that runs it, and the line the call log shows when it starts. Each verb folder declares its
/// entry (<c>Talk/TalkVerb.cs</c>); <see cref="NccoVerbs"/> lists them.
/// </summary>
internal sealed class NccoVerb
{
    private readonly byte[] _utf8Name;

    private NccoVerb(string name, Type actionType, Func<NccoNode, NccoAction> read, Action<Utf8JsonWriter, NccoAction> write,
        Func<IActionHandler> createHandler, Func<NccoAction, string> describe)
    {
        Name = name;
        _utf8Name = Encoding.UTF8.GetBytes(name);
        ActionType = actionType;
        Read = read;
        Write = write;
        CreateHandler = createHandler;
        Describe = describe;
    }

    /// <summary>The wire name (<c>"talk"</c>).</summary>
    public string Name { get; }

    /// <summary>The wire name as UTF-8, to match <c>"action"</c> without allocating a string.</summary>
    public ReadOnlySpan<byte> Utf8Name => _utf8Name;

    /// <summary>The action record the verb reads into.</summary>
    public Type ActionType { get; }

    /// <summary>Binds a validated action object to the record.</summary>
    public Func<NccoNode, NccoAction> Read { get; }

    /// <summary>Writes the record's members after <c>"action"</c> (the caller writes the braces and the name).</summary>
    public Action<Utf8JsonWriter, NccoAction> Write { get; }

    /// <summary>A new instance of the built-in handler.</summary>
    public Func<IActionHandler> CreateHandler { get; }

    /// <summary>The call log's line when the action starts.</summary>
    public Func<NccoAction, string> Describe { get; }

    /// <summary>An entry for <typeparamref name="TAction"/>; <paramref name="describe"/> defaults to the verb's name.</summary>
    public static NccoVerb Of<TAction>(string name, Func<NccoNode, TAction> read, Action<Utf8JsonWriter, TAction> write,
        Func<IActionHandler> createHandler, Func<TAction, string>? describe = null)
        where TAction : NccoAction =>
        new(name, typeof(TAction), read, (w, action) => write(w, (TAction)action), createHandler,
            describe is null ? _ => name : action => describe((TAction)action));
}
