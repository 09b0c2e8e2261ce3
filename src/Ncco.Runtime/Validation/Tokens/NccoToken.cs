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

    public NodeKind Kind;

    public TokenFlags Flags;
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
