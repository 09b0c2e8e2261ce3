using System.Text.Json;
using Ncco.Model;
using Ncco.Rules;
using Ncco.Validation.Tokens;
using Checker = Ncco.Rules.NccoRuleChecker<Ncco.Validation.Tokens.TokenTree, int, int, Ncco.Validation.Tokens.TokenCursor>;

namespace Ncco.Serialization;

/// <summary>
/// A value of validated NCCO tokens as the reader binds it (<c>Verbs/*/…Json.cs</c>, with <see cref="NccoFieldReads"/>):
/// members found by their UTF-8 name, text decoded once (shared with the checker, see <see cref="NccoTokens.Text"/>).
/// </summary>
internal readonly struct NccoNode
{
    private readonly NccoTokens _document;

    public NccoNode(NccoTokens document, int index)
    {
        _document = document;
        Index = index;
    }

    /// <summary>The token index.</summary>
    public int Index { get; }

    /// <summary>The JSON kind.</summary>
    public NodeKind Kind => _document.Tokens[Index].Kind;

    /// <summary>The member named <paramref name="utf8Name"/> (the last, as System.Text.Json reads a repeated name), if any.</summary>
    public bool TryGetProperty(ReadOnlySpan<byte> utf8Name, out NccoNode value)
    {
        var member = _document.FindMember(Index, utf8Name, last: true);
        value = new NccoNode(_document, member + 1);
        return member >= 0;
    }

    /// <summary>A member the validator made sure of.</summary>
    public NccoNode GetProperty(ReadOnlySpan<byte> utf8Name) =>
        TryGetProperty(utf8Name, out var value) ? value : throw new KeyNotFoundException("validated NCCO lacks a required member");

    /// <summary>A string's text.</summary>
    public string GetString() => _document.Text(Index);

    /// <summary>A validated URL string: the <see cref="Uri"/> the checker had to parse, else its text, parsed on first read.</summary>
    public LazyUrl GetUrl() => _document.Url(Index);

    /// <summary>Whether a string equals <paramref name="utf8"/>.</summary>
    /// <remarks>The reader dispatches on action names and endpoint types by trying each: another length is rejected here.</remarks>
    public bool ValueEquals(ReadOnlySpan<byte> utf8)
    {
        ref readonly var token = ref _document.Tokens[Index];
        if (token.Kind != NodeKind.String || (token.Flags & TokenFlags.Escaped) == 0 && token.Length != utf8.Length) return false;
        return _document.TextEquals(Index, utf8);
    }

    /// <summary>A string's raw UTF-8 text, when it holds no escape (its text is then those bytes).</summary>
    public bool TryGetUnescaped(out ReadOnlySpan<byte> utf8)
    {
        ref readonly var token = ref _document.Tokens[Index];
        if (token.Kind != NodeKind.String || (token.Flags & TokenFlags.Escaped) != 0)
        {
            utf8 = default;
            return false;
        }
        utf8 = _document.Raw(Index);
        return true;
    }

    /// <summary>An array's length.</summary>
    public int GetArrayLength() => _document.Tokens[Index].Count;

    /// <summary>An array's item.</summary>
    public NccoNode this[int item]
    {
        get
        {
            var tokens = _document.Tokens;
            var at = Index + 1;
            for (var i = 0; i < item; i++) at = tokens[at].Next;
            return new NccoNode(_document, at);
        }
    }

    /// <summary>An array's items.</summary>
    public Items EnumerateArray() => new(_document, Index);

    /// <summary>An object's members whose values are strings (validated: header values), as name/text pairs.</summary>
    public KeyValuePair<string, string>[] StringMembers()
    {
        var tokens = _document.Tokens;
        var pairs = new KeyValuePair<string, string>[tokens[Index].Count];
        var n = 0;
        for (var i = Index + 1; i < tokens[Index].Next; i = tokens[i + 1].Next)
        {
            pairs[n++] = KeyValuePair.Create(_document.Text(i), _document.Text(i + 1));
        }
        return pairs;
    }

    /// <summary>The value as a free-standing <see cref="JsonValue"/>: its own copy of the bytes, parsed when first read.</summary>
    public JsonValue ToJsonValue() => JsonValue.FromValidatedUtf8(_document.RawValue(Index).ToArray());

    /// <summary>The value read leniently as a whole number, through the checker's own read.</summary>
    public bool TryGetInteger(out long value)
    {
        var tree = _document.Tree();
        return Checker.ReadInteger(ref tree, Index, out value) == Tri.True;
    }

    /// <summary>The value read leniently as a finite number, through the checker's own read.</summary>
    public bool TryGetNumber(out double value)
    {
        var tree = _document.Tree();
        return Checker.ReadNumber(ref tree, Index, out value) == Tri.True;
    }

    /// <summary>The value read leniently as a boolean, through the checker's own read.</summary>
    public bool TryGetBoolean(out bool value)
    {
        var tree = _document.Tree();
        var flag = Checker.ReadBoolean(ref tree, Index);
        value = flag == Tri.True;
        return flag is Tri.True or Tri.False;
    }

    /// <summary>A walk over an array's items without allocating.</summary>
    public struct Items
    {
        private readonly NccoTokens _document;
        private readonly int _end;
        private int _next;

        public Items(NccoTokens document, int array)
        {
            _document = document;
            _end = document.Tokens[array].Next;
            _next = array + 1;
            Current = default;
        }

        public NccoNode Current { get; private set; }

        public readonly Items GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_next >= _end) return false;
            Current = new NccoNode(_document, _next);
            _next = _document.Tokens[_next].Next;
            return true;
        }
    }
}
