namespace Ncco.Rules;

/// <summary>
/// A read-only view of a JSON value tree that <see cref="NccoRuleChecker{TTree, TNode, TMember, TCursor}"/> checks
/// against the rule table, and the sink of what it finds. The runtime implements it over System.Text.Json's
/// elements, the analyzers over the values they read from C# source.
/// </summary>
/// <remarks>
/// Implementations are structs: the checker is generic over the implementation, so the JIT compiles one copy per tree
/// type and every call below is direct (inlinable) — no virtual or interface dispatch per node on the runtime's hot path.
/// </remarks>
/// <typeparam name="TNode">A value.</typeparam>
/// <typeparam name="TMember">A member of an object: a name and a value.</typeparam>
/// <typeparam name="TCursor">The state of a walk over an object's members or an array's items.</typeparam>
internal interface INccoTree<TNode, TMember, TCursor>
    where TCursor : struct
{
    /// <summary>The JSON shape of the node.</summary>
    NodeKind Kind(TNode node);

    /// <summary>Whether a string, number or boolean's value is known (not just its kind). Always true at run time.</summary>
    bool IsKnown(TNode node);

    /// <summary>Starts a walk over an object's members; false when they are not known.</summary>
    bool TryGetMembers(TNode node, out TCursor cursor);

    /// <summary>The next member of the walk.</summary>
    bool NextMember(ref TCursor cursor, out TMember member);

    /// <summary>Starts a walk over an array's items; false when they are not known.</summary>
    bool TryGetItems(TNode node, out TCursor cursor, out int count);

    /// <summary>The next item of the walk.</summary>
    bool NextItem(ref TCursor cursor, out TNode item);

    /// <summary>The member of an object spelled exactly <paramref name="name"/> (the first, when it repeats).</summary>
    bool TryGetMember(TNode node, string name, byte[] utf8Name, out TMember member);

    /// <summary>A member's value.</summary>
    TNode Value(TMember member);

    /// <summary>A member's name, for messages and pointers; an ill-formed name comes with U+FFFD where it is broken.</summary>
    string Name(TMember member);

    /// <summary>The index in <see cref="ObjectRule.Properties"/> of the property the member's name spells, or -1.</summary>
    int PropertyIndex(ObjectRule rule, TMember member);

    /// <summary>Whether the member's name is valid Unicode (well-formed UTF-8, no unpaired surrogate).</summary>
    bool IsWellFormed(TMember member);

    /// <summary>
    /// True when every string and member name of the tree is known to be valid Unicode (the runtime checks the whole
    /// input once), so nothing has to be checked string by string.
    /// </summary>
    bool AllTextWellFormed { get; }

    /// <summary>Whether a string node is valid Unicode (well-formed UTF-8, no unpaired surrogate).</summary>
    bool IsWellFormed(TNode text);

    /// <summary>A known string's value; an ill-formed string comes with U+FFFD where it is broken (never an exception).</summary>
    string Text(TNode text);

    /// <summary>Whether a known, well-formed string equals <paramref name="expected"/> (also given in UTF-8 where the caller has it).</summary>
    bool TextEquals(TNode text, string expected, byte[]? expectedUtf8);

    /// <summary>A known number as a whole 64-bit number, when its JSON text is one.</summary>
    bool TryGetInt64(TNode number, out long value);

    /// <summary>A known number as a finite double.</summary>
    bool TryGetDouble(TNode number, out double value);

    /// <summary>A known number's JSON text, for messages.</summary>
    string NumberText(TNode number);

    /// <summary>A known boolean's value.</summary>
    bool Boolean(TNode node);

    /// <summary>The size of an object's JSON in UTF-8 bytes, or -1 when it is not known.</summary>
    int Utf8Length(TNode node);

    /// <summary>Whether an action name that is not in the table names a custom action registered by the user.</summary>
    bool IsCustomAction(string name);

    /// <summary>
    /// Whether an object holds every member it will have (the analyzers' builder objects hold only the arguments
    /// passed, unless the producer marked them complete). Checked only in partial mode.
    /// </summary>
    bool IsComplete(TNode node);

    /// <summary>
    /// The URL a known string passed its format check with, when the check had to parse one (a plain
    /// <c>https://host/path</c> passes a scan without a <see cref="Uri"/>, see <c>FormatChecks.IsPlainUrl</c>). The
    /// runtime keeps it for its reader, which binds this <see cref="Uri"/> instead of parsing the text a second time;
    /// the analyzers have no use for it.
    /// </summary>
    void KeepUrl(TNode text, Uri url);

    /// <summary>Records one finding.</summary>
    void Report(Problem problem, string pointer, string message, Site<TNode, TMember> site, Repair<TNode, TMember> repair);
}
