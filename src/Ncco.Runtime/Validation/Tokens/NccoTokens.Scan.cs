using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Text.Unicode;
using Ncco.Rules;

namespace Ncco.Validation.Tokens;

/// <summary>
/// The tokenizer's fast path: a scan of well-formed JSON in the shapes NCCOs take, writing the same tokens as the
/// <see cref="System.Text.Json.Utf8JsonReader"/> pass. It only ever accepts JSON that reader accepts: on anything it is
/// not sure of (malformed JSON, nesting deeper than <see cref="ScanMaxDepth"/>, input that is not valid UTF-8) it gives
/// up and the reader reads the input from the start, so malformed JSON still fails with the reader's exception.
/// </summary>
internal sealed partial class NccoTokens
{
    private const int ScanMaxDepth = 32;

    // What ends the plain run of a string: its closing quote, an escape, or a control character (not allowed in JSON).
    private static readonly SearchValues<byte> StringSpecials = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"u8);

    // The same set as a table indexed by the byte (1 = ends the plain run): one load per byte in the short-string loop,
    // where the three comparisons it replaces were most of the scan's time.
    private static ReadOnlySpan<byte> StringStop =>
    [
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    /// <summary>Tokenizes valid UTF-8 <paramref name="json"/>; false (tokens left half-written) when unsure.</summary>
    private bool TryScan(ReadOnlySpan<byte> json)
    {
        Span<int> open = stackalloc int[ScanMaxDepth];
        var depth = 0;
        var count = 0;
        // The open array whose items are being read, or -1 (inside an object, or at the top): counted per item.
        var array = -1;
        var at = SkipWhiteSpace(json, 0);
        if (at >= json.Length || json[at] != '[' && json[at] != '{') return false;

        while (true)
        {
            // A value starts at `at`.
            if (at >= json.Length) return false;
            if (count == _tokens.Length) Grow();
            ref var token = ref _tokens[count];
            token = default;
            var index = count++;
            token.Next = count;
            if (array >= 0) _tokens[array].Count++;
            var c = json[at];
            switch (c)
            {
                case (byte)'{':
                case (byte)'[':
                    if (depth == ScanMaxDepth) return false;
                    token.Kind = c == '{' ? NodeKind.Object : NodeKind.Array;
                    token.Start = at;
                    open[depth++] = index;
                    at = SkipWhiteSpace(json, at + 1);
                    if (at >= json.Length) return false;
                    if (json[at] == (c == '{' ? '}' : ']'))
                    {
                        token.Length = at + 1 - token.Start;
                        depth--;
                        at++;
                        break;
                    }
                    array = c == '[' ? index : -1;
                    if (c == '{')
                    {
                        at = ScanName(json, at, open[depth - 1], ref count);
                        if (at < 0) return false;
                    }
                    continue;
                case (byte)'"':
                    token.Kind = NodeKind.String;
                    at = ScanString(json, at, ref token);
                    if (at < 0) return false;
                    break;
                case (byte)'t':
                    if (!json[at..].StartsWith("true"u8)) return false;
                    token.Kind = NodeKind.Boolean;
                    token.Flags = TokenFlags.True;
                    token.Start = at;
                    token.Length = 4;
                    at += 4;
                    break;
                case (byte)'f':
                    if (!json[at..].StartsWith("false"u8)) return false;
                    token.Kind = NodeKind.Boolean;
                    token.Start = at;
                    token.Length = 5;
                    at += 5;
                    break;
                case (byte)'n':
                    if (!json[at..].StartsWith("null"u8)) return false;
                    token.Kind = NodeKind.Null;
                    token.Start = at;
                    token.Length = 4;
                    at += 4;
                    break;
                default:
                    var end = ScanNumber(json, at);
                    if (end < 0) return false;
                    token.Kind = NodeKind.Number;
                    token.Start = at;
                    token.Length = end - at;
                    at = end;
                    break;
            }

            // After a value: a comma and the next value or member, or the end of containers, or the end of the input.
            while (true)
            {
                at = SkipWhiteSpace(json, at);
                if (depth == 0)
                {
                    if (at != json.Length) return false;
                    Count = count;
                    return true;
                }
                if (at >= json.Length) return false;
                ref var container = ref _tokens[open[depth - 1]];
                var next = json[at];
                if (next == ',')
                {
                    at = SkipWhiteSpace(json, at + 1);
                    if (container.Kind == NodeKind.Object)
                    {
                        at = ScanName(json, at, open[depth - 1], ref count);
                        if (at < 0) return false;
                    }
                    break;
                }
                if (next != (container.Kind == NodeKind.Object ? '}' : ']')) return false;
                container.Next = count;
                container.Length = at + 1 - container.Start;
                depth--;
                at++;
                array = depth > 0 && _tokens[open[depth - 1]].Kind == NodeKind.Array ? open[depth - 1] : -1;
            }
        }
    }

    /// <summary>A member name at <paramref name="at"/>, its colon and the white space after: where its value starts, or -1.</summary>
    private int ScanName(ReadOnlySpan<byte> json, int at, int owner, ref int count)
    {
        if (at >= json.Length || json[at] != '"') return -1;
        if (count == _tokens.Length) Grow();
        var tokens = _tokens;
        ref var name = ref tokens[count];
        name = default;
        count++;
        name.Next = count;
        name.Flags = TokenFlags.Name;
        name.Kind = NodeKind.String;
        ref var container = ref tokens[owner];
        container.Count++;
        at = ScanString(json, at, ref name);
        if (at < 0) return -1;
        // The name's bucket bit (NccoToken.NameBit) from its length and end bytes, read in place.
        container.Names |= (name.Flags & TokenFlags.Escaped) != 0 ? ulong.MaxValue
            : name.Length == 0 ? 1UL
            : 1UL << ObjectRule.SpellingBucket(name.Length, json[name.Start], json[at - 2]);
        at = SkipWhiteSpace(json, at);
        if (at >= json.Length || json[at] != ':') return -1;
        return SkipWhiteSpace(json, at + 1);
    }

    /// <summary>A string whose opening quote is at <paramref name="at"/>: the index after its closing quote, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ScanString(ReadOnlySpan<byte> json, int at, ref NccoToken token)
    {
        // Inlined where names and values are read: most strings hold no escape and end at the first special byte.
        var start = at + 1;
        var end = PlainRunEnd(json, start);
        if (end >= 0 && json[end] == '"')
        {
            token.Start = start;
            token.Length = end - start;
            return end + 1;
        }
        return ScanEscapedString(json, start, ref token);
    }

    /// <summary>A string that holds an escape or a control character, or is not closed: see <see cref="ScanString"/>.</summary>
    private int ScanEscapedString(ReadOnlySpan<byte> json, int start, ref NccoToken token)
    {
        var i = start;
        var escaped = false;
        while (true)
        {
            i = PlainRunEnd(json, i);
            if (i < 0) return -1;
            var c = json[i];
            if (c == '"') break;
            if (c != '\\' || i + 1 >= json.Length) return -1;
            escaped = true;
            switch (json[i + 1])
            {
                case (byte)'"': case (byte)'\\': case (byte)'/': case (byte)'b': case (byte)'f': case (byte)'n': case (byte)'r': case (byte)'t':
                    i += 2;
                    break;
                case (byte)'u':
                    if (i + 6 > json.Length || !IsHex(json[i + 2]) || !IsHex(json[i + 3]) || !IsHex(json[i + 4]) || !IsHex(json[i + 5])) return -1;
                    i += 6;
                    break;
                default:
                    return -1;
            }
        }
        token.Start = start;
        token.Length = i - start;
        if (escaped)
        {
            token.Flags |= TokenFlags.Escaped;
            // Valid UTF-8 (the whole input is), but an escape may be an unpaired surrogate.
            if (!Utf8Text.IsWellFormed(json.Slice(start, i - start)))
            {
                token.Flags |= TokenFlags.IllFormed;
                AllTextWellFormed = false;
            }
        }
        return i + 1;
    }

    /// <summary>
    /// Where the plain run of a string's text from <paramref name="i"/> ends (its closing quote, an escape or a control
    /// character), or -1 when the input ends first.
    /// </summary>
    /// <remarks>
    /// Nearly all the input's bytes are string text, and most strings (names, codes, URLs) are shorter than 32 bytes: one
    /// 32-byte compare finds their end, where a loop spent a few comparisons per byte and the library's search (kept
    /// for runs past the first block) costs more to start than such a string takes to read.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PlainRunEnd(ReadOnlySpan<byte> json, int i)
    {
        if (Vector256.IsHardwareAccelerated && i <= json.Length - Vector256<byte>.Count)
        {
            var block = Vector256.Create(json.Slice(i, Vector256<byte>.Count));
            var specials = Vector256.Equals(block, Vector256.Create((byte)'"'))
                | Vector256.Equals(block, Vector256.Create((byte)'\\'))
                | Vector256.LessThan(block, Vector256.Create((byte)0x20));
            var bits = specials.ExtractMostSignificantBits();
            if (bits != 0) return i + BitOperations.TrailingZeroCount(bits);
            i += Vector256<byte>.Count;
        }
        else
        {
            var shortEnd = Math.Min(json.Length, i + 16);
            var stop = StringStop;
            while (i < shortEnd && stop[json[i]] == 0) i++;
            if (i < shortEnd) return i;
        }
        var run = json[i..].IndexOfAny(StringSpecials);
        return run < 0 ? -1 : i + run;
    }

    /// <summary>A JSON number at <paramref name="at"/> (RFC 8259 grammar): the index after it, or -1.</summary>
    private static int ScanNumber(ReadOnlySpan<byte> json, int at)
    {
        var i = at;
        if (i < json.Length && json[i] == '-') i++;
        if (i >= json.Length) return -1;
        if (json[i] == '0') i++;
        else if (json[i] >= '1' && json[i] <= '9') i = SkipDigits(json, i + 1);
        else return -1;
        if (i < json.Length && json[i] == '.')
        {
            var digits = i + 1;
            i = SkipDigits(json, digits);
            if (i == digits) return -1;
        }
        if (i < json.Length && (json[i] == 'e' || json[i] == 'E'))
        {
            i++;
            if (i < json.Length && (json[i] == '+' || json[i] == '-')) i++;
            var digits = i;
            i = SkipDigits(json, digits);
            if (i == digits) return -1;
        }
        return i;
    }

    private static int SkipDigits(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] >= '0' && json[i] <= '9') i++;
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SkipWhiteSpace(ReadOnlySpan<byte> json, int i)
    {
        // Between tokens there is usually nothing to skip (compact JSON) or an indentation run: the first test is the
        // whole cost of the common case, and inlined.
        if ((uint)i < (uint)json.Length && json[i] > (byte)' ') return i;
        return SkipWhiteSpaceRun(json, i);
    }

    private static int SkipWhiteSpaceRun(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') i++;
        return i;
    }

    private static bool IsHex(byte c) => c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
}
