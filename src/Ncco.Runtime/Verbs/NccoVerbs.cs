using System.Collections.Immutable;
using Ncco.Model.Actions;

namespace Ncco.Verbs;

/// <summary>
/// The one list of built-in verbs. The handler registry, the reader and the writer find a verb here, so adding a
/// built-in verb is its folder plus one line below (and its rule table entry, see <c>Rules/</c>). Custom actions are
/// not listed: they are registered at run time (see <c>Verbs/README.md</c>).
/// </summary>
internal static class NccoVerbs
{
    /// <summary>Every built-in verb, in the order of the reference (an array: enumerating it allocates nothing).</summary>
    public static ImmutableArray<NccoVerb> BuiltIn { get; } =
    [
        TalkVerb.Entry,
        StreamVerb.Entry,
        InputVerb.Entry,
        RecordVerb.Entry,
        ConversationVerb.Entry,
        ConnectVerb.Entry,
        NotifyVerb.Entry,
        WaitVerb.Entry,
        TransferVerb.Entry,
    ];

    /// <summary>Whether <paramref name="name"/> is a built-in verb's wire name.</summary>
    public static bool IsBuiltIn(string name)
    {
        foreach (var verb in BuiltIn)
        {
            if (verb.Name == name) return true;
        }
        return false;
    }

    /// <summary>The built-in verb whose record is <paramref name="action"/>'s type, or null (custom actions).</summary>
    public static NccoVerb? Find(NccoAction action)
    {
        var type = action.GetType();
        foreach (var verb in BuiltIn)
        {
            if (verb.ActionType == type) return verb;
        }
        return null;
    }
}
