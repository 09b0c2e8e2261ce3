using System.Collections.Immutable;
using System.Runtime.InteropServices;
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

    // The verbs by the length and first letter of their wire names (no two share both), for a reader's dispatch on the
    // raw UTF-8 name: one table read and one comparison, not a comparison per verb. The slot ignores the letter's case
    // (& 31), so the comparison after it is what keeps "Talk" from being talk.
    private const int MaxNameLength = 16;
    private static readonly ImmutableArray<NccoVerb?> ByLengthAndFirst = BuildDispatch();

    /// <summary>The built-in verb whose wire name is the (unescaped) UTF-8 <paramref name="name"/>, or null.</summary>
    public static NccoVerb? FindUtf8(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.Length >= MaxNameLength) return null;
        var verb = ByLengthAndFirst[(name.Length * 32) + (name[0] & 31)];
        return verb is not null && name.SequenceEqual(verb.Utf8Name) ? verb : null;
    }

    private static ImmutableArray<NccoVerb?> BuildDispatch()
    {
        var table = new NccoVerb?[MaxNameLength * 32];
        foreach (var verb in BuiltIn)
        {
            var name = verb.Utf8Name;
            var slot = name.Length < MaxNameLength ? (name.Length * 32) + (name[0] & 31) : -1;
            if (slot < 0 || table[slot] is not null)
            {
                throw new InvalidOperationException($"verb \"{verb.Name}\" needs another dispatch: its name is too long or its length and first letter are taken");
            }
            table[slot] = verb;
        }
        return ImmutableCollectionsMarshal.AsImmutableArray(table);
    }

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
