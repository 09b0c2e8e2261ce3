using System.Runtime.CompilerServices;
using System.Text;
using Ncco.Rules;

namespace Ncco.Validation.Tokens;

/// <summary>
/// The rule checker's view of <see cref="NccoTokens"/>: a node is a token index, a member the index of its name (the
/// value follows it). Names and values are compared as raw UTF-8; text is decoded only where a rule reads it, once.
/// Findings become <see cref="NccoError"/>s of the document.
/// </summary>
internal readonly struct TokenTree : INccoTree<int, int, TokenCursor>
{
    private readonly NccoTokens _document;
    private readonly NccoToken[] _tokens;
    private readonly IReadOnlySet<string>? _customActions;
    private readonly bool _strict;

    /// <summary>A tree over <paramref name="document"/> that reports to it.</summary>
    /// <param name="document">The tokens.</param>
    /// <param name="tokens">The document's token array (read directly on the hot path).</param>
    /// <param name="customActions">Names of custom actions to accept.</param>
    /// <param name="strict">Unknown properties are errors (<see cref="NccoValidationOptions.Strict"/>), else warnings.</param>
    public TokenTree(NccoTokens document, NccoToken[] tokens, IReadOnlySet<string>? customActions, bool strict)
    {
        _document = document;
        _tokens = tokens;
        _customActions = customActions;
        _strict = strict;
    }

    public bool AllTextWellFormed => _document.AllTextWellFormed;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public NodeKind Kind(int node) => _tokens[node].Kind;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsKnown(int node) => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetMembers(int node, out TokenCursor cursor)
    {
        cursor = new TokenCursor(node + 1, _tokens[node].Next);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool NextMember(ref TokenCursor cursor, out int member)
    {
        member = cursor.Index;
        if (member >= cursor.End) return false;
        cursor.Index = _tokens[member + 1].Next;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetItems(int node, out TokenCursor cursor, out int count)
    {
        ref readonly var token = ref _tokens[node];
        count = token.Count;
        cursor = new TokenCursor(node + 1, token.Next);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool NextItem(ref TokenCursor cursor, out int item)
    {
        item = cursor.Index;
        if (item >= cursor.End) return false;
        cursor.Index = _tokens[item].Next;
        return true;
    }

    /// <remarks>The last member of that name, as System.Text.Json reads a repeated name (the checker reports the repetition).</remarks>
    public bool TryGetMember(int node, string name, byte[] utf8Name, out int member)
    {
        member = _document.FindMember(node, utf8Name, last: true);
        return member >= 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Value(int member) => member + 1;

    public string Name(int member) => _document.Text(member);

    public int PropertyIndex(ObjectRule rule, int member)
    {
        ref readonly var token = ref _tokens[member];
        if ((token.Flags & TokenFlags.Escaped) == 0)
        {
            var raw = _document.Raw(member);
            if (raw.IsEmpty) return -1;
            // Every member of every object is matched here: the rule's buckets (by length, first and last byte) leave
            // one candidate or two to compare.
            var spellings = rule.Utf8Spellings;
            var chain = rule.SpellingChain;
            for (var i = rule.SpellingBuckets[ObjectRule.SpellingBucket(raw.Length, raw[0], raw[^1])] - 1; i >= 0; i = chain[i])
            {
                if (raw.SequenceEqual(spellings[i])) return rule.SpellingOwners[i];
            }
            return -1;
        }
        // An escaped name (rare): compared decoded, unless it is not valid Unicode.
        if ((token.Flags & TokenFlags.IllFormed) != 0) return -1;
        var name = _document.Text(member);
        for (var i = 0; i < rule.Spellings.Length; i++)
        {
            if (string.Equals(rule.Spellings[i], name, StringComparison.Ordinal)) return rule.SpellingOwners[i];
        }
        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsWellFormed(int memberOrText) => (_tokens[memberOrText].Flags & TokenFlags.IllFormed) == 0;

    public string Text(int text) => _document.Text(text);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TextEquals(int text, string expected, byte[]? expectedUtf8)
    {
        if (expectedUtf8 is null) return _document.TextEquals(text, expected);
        // Action names, endpoint types and enum values are matched by trying each candidate: an unescaped string of
        // another length is rejected here, without a call.
        ref readonly var token = ref _tokens[text];
        if ((token.Flags & TokenFlags.Escaped) == 0 && token.Length != expectedUtf8.Length) return false;
        return _document.TextEquals(text, expectedUtf8);
    }

    public bool TryGetInt64(int number, out long value) => _document.TryGetInt64(number, out value);

    public bool TryGetDouble(int number, out double value) => _document.TryGetDouble(number, out value);

    public string NumberText(int number) => Encoding.UTF8.GetString(_document.Raw(number));

    public bool Boolean(int node) => (_tokens[node].Flags & TokenFlags.True) != 0;

    public int Utf8Length(int node) => _tokens[node].Kind == NodeKind.String ? _tokens[node].Length + 2 : _tokens[node].Length;

    public bool IsCustomAction(string name) => _customActions?.Contains(name) == true;

    public bool IsComplete(int node) => true;

    public void KeepUrl(int text, Uri url) => _document.KeepUrl(text, url);

    public void Report(Problem problem, string pointer, string message, Site<int, int> site, Repair<int, int> repair) =>
        _document.Add(new NccoError(pointer, ProblemCodes.Code(problem), message,
            problem == Problem.UnknownProperty && !_strict ? NccoSeverity.Warning : NccoSeverity.Error));
}
