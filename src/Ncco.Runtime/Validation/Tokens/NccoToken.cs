using System.Runtime.InteropServices;
using Ncco.Rules;

namespace Ncco.Validation.Tokens;

/// <summary>
/// One JSON value or member name of a <see cref="NccoTokens"/> document: where its text is in the UTF-8 input and,
/// for an object or array, how many members or items it holds and where its subtree ends.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal struct NccoToken
{
    /// <summary>For strings and names, the first byte after the opening quote; otherwise the first byte of the value.</summary>
    public int Start;

    /// <summary>For strings and names, the raw length between the quotes (escapes as written); otherwise the value's whole length.</summary>
    public int Length;

    /// <summary>The index of the token after this value's subtree (for a name: after the name).</summary>
    public int Next;

    /// <summary>An object's members or an array's items.</summary>
    public int Count;

    /// <summary>
    /// For an object: a bit per bucket of its member names (<see cref="NameBit"/>), all set when a name is escaped. A
    /// lookup of a name whose bit is clear is answered without a scan: the reader asks for every field a verb has, and
    /// most are absent.
    /// </summary>
    public ulong Names;

    public NodeKind Kind;

    public TokenFlags Flags;

    /// <summary>The bit of <see cref="Names"/> an unescaped UTF-8 name sets (by length, first and last byte).</summary>
    public static ulong NameBit(ReadOnlySpan<byte> name) =>
        1UL << (name.IsEmpty ? 0 : ObjectRule.SpellingBucket(name.Length, name[0], name[^1]));
}

/// <summary>What the tokenizer learned of a token's text.</summary>
[Flags]
internal enum TokenFlags : byte
{
    None = 0,
    /// <summary>A member name (not a value).</summary>
    Name = 1,
    /// <summary>The raw text holds a backslash escape.</summary>
    Escaped = 2,
    /// <summary>The text is not valid Unicode: invalid UTF-8 bytes or an unpaired surrogate escape.</summary>
    IllFormed = 4,
    /// <summary>A boolean that is true.</summary>
    True = 8,
}
