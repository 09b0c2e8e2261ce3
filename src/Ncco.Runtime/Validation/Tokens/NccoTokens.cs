using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Ncco.Model;
using Ncco.Rules;

namespace Ncco.Validation.Tokens;

/// <summary>
/// NCCO JSON read in one pass over its UTF-8 bytes into a flat array of tokens (values and member names, each with
/// where its text is), which the rule checker walks (<see cref="TokenTree"/>) and the reader binds from
/// (<c>Serialization/NccoNode</c>). The same pass checks each string's Unicode. Strings are decoded only when a rule or
/// the model needs them, and once: the checker's decoded text is what the reader binds. Arrays are rented and returned
/// on <see cref="Dispose"/>, so a valid NCCO allocates little beyond its typed model.
/// </summary>
/// <remarks>
/// Well-formed JSON in valid UTF-8 (nearly every NCCO) is tokenized by a plain scan (<c>NccoTokens.Scan.cs</c>); whatever
/// the scan is unsure of is read by System.Text.Json's <see cref="Utf8JsonReader"/> with the options
/// <see cref="JsonDocument"/> used before (depth 64, no comments, no trailing commas), so malformed JSON fails with the
/// same <see cref="JsonException"/>.
/// </remarks>
internal sealed partial class NccoTokens : IDisposable
{
    private const int MaxDepth = 64;
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };

    // The input as an array segment, not a ReadOnlyMemory: every name and value is read from it, and a span of an
    // array is made without the memory's check of what it wraps.
    private readonly byte[] _bytes;
    private readonly int _offset;
    private readonly int _length;
    private byte[]? _rentedInput;
    private NccoToken[] _tokens;
    private object?[]? _decoded;
    private List<NccoError>? _findings;
    private bool _scan = true;
    private bool _ascii;

    private NccoTokens(ReadOnlyMemory<byte> utf8, byte[]? rentedInput)
    {
        if (utf8.IsEmpty)
        {
            _bytes = [];
        }
        else if (!MemoryMarshal.TryGetArray(utf8, out var segment))
        {
            // Memory that is not an array (a MemoryManager's; rare): copied once into a rented array.
            _bytes = rentedInput = ArrayPool<byte>.Shared.Rent(utf8.Length);
            utf8.Span.CopyTo(_bytes);
        }
        else
        {
            _bytes = segment.Array!;
            _offset = segment.Offset;
        }
        _length = utf8.Length;
        _rentedInput = rentedInput;
        _tokens = ArrayPool<NccoToken>.Shared.Rent(Math.Max(16, utf8.Length / 6));
    }

    /// <summary>How many tokens were read.</summary>
    public int Count { get; private set; }

    /// <summary>Every string and member name is valid Unicode.</summary>
    public bool AllTextWellFormed { get; private set; } = true;

    /// <summary>The findings reported so far (null when none: a valid NCCO allocates no list).</summary>
    public List<NccoError>? Findings => _findings;

    /// <summary>Whether any finding is an error (not a warning).</summary>
    public bool HasErrors { get; private set; }

    /// <summary>The tokens (the first <see cref="Count"/> are read); index 0 is the root.</summary>
    public NccoToken[] Tokens => _tokens;

    /// <summary>Reads UTF-8 JSON, a leading byte order mark allowed (throws <see cref="JsonException"/> when it is not JSON).</summary>
    /// <remarks>The bytes are used where they are, not copied: they must not change until the tokens are disposed.</remarks>
    public static NccoTokens Read(ReadOnlyMemory<byte> utf8Json)
    {
        if (utf8Json.Span.StartsWith("\uFEFF"u8)) utf8Json = utf8Json[3..];
        return Tokenize(new NccoTokens(utf8Json, null));
    }

    /// <summary>
    /// Reads UTF-8 JSON with <see cref="Utf8JsonReader"/> only, never the scan: the reference the scan's tokens are
    /// tested against.
    /// </summary>
    internal static NccoTokens ReadByReader(ReadOnlyMemory<byte> utf8Json)
    {
        if (utf8Json.Span.StartsWith("\uFEFF"u8)) utf8Json = utf8Json[3..];
        return Tokenize(new NccoTokens(utf8Json, null) { _scan = false });
    }

    /// <summary>Reads a copy of UTF-8 JSON that the caller does not keep (the raw text of a <see cref="JsonElement"/>).</summary>
    public static NccoTokens ReadCopy(ReadOnlySpan<byte> utf8Json)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, utf8Json.Length));
        utf8Json.CopyTo(rented);
        return Tokenize(new NccoTokens(rented.AsMemory(0, utf8Json.Length), rented));
    }

    /// <summary>
    /// Reads JSON text (throws <see cref="JsonException"/> when it is not JSON). The text is transcoded here rather than
    /// by System.Text.Json, which throws <see cref="ArgumentException"/> on an unpaired surrogate: one is written as its
    /// (invalid) three-byte form instead, so the checker reports it with the pointer of the string that holds it.
    /// </summary>
    public static NccoTokens Read(string json)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, Encoding.UTF8.GetMaxByteCount(json.Length)));
        var length = Transcode(json, rented);
        return Tokenize(new NccoTokens(rented.AsMemory(0, length), rented));
    }

    /// <summary>The raw UTF-8 text of a token (for strings and names: between the quotes, escapes as written).</summary>
    public ReadOnlySpan<byte> Raw(int index)
    {
        ref readonly var token = ref _tokens[index];
        return new ReadOnlySpan<byte>(_bytes, _offset + token.Start, token.Length);
    }

    /// <summary>The whole input.</summary>
    private ReadOnlySpan<byte> Input => new(_bytes, _offset, _length);

    /// <summary>A value's whole raw JSON text (a string with its quotes).</summary>
    public ReadOnlySpan<byte> RawValue(int index)
    {
        ref readonly var token = ref _tokens[index];
        return token.Kind == NodeKind.String ? new ReadOnlySpan<byte>(_bytes, _offset + token.Start - 1, token.Length + 2) : new ReadOnlySpan<byte>(_bytes, _offset + token.Start, token.Length);
    }

    /// <summary>The checker's view of these tokens; <paramref name="options"/> null for reads only (no findings).</summary>
    public TokenTree Tree(NccoValidationOptions? options = null) => new(this, _tokens, options?.CustomActions, options?.Strict ?? false);

    /// <summary>
    /// A string or member name as text, decoded once and kept: the checker's decoded text is the reader's. An ill-formed
    /// string comes with U+FFFD where it is broken (for messages), as <see cref="Utf8Text.Display"/> shows it.
    /// </summary>
    public string Text(int index)
    {
        if (_decoded?[index] is string cached) return cached;
        ref readonly var token = ref _tokens[index];
        var raw = new ReadOnlySpan<byte>(_bytes, _offset + token.Start, token.Length);
        var text = (token.Flags & (TokenFlags.Escaped | TokenFlags.IllFormed)) != 0 ? Utf8Text.Display(raw)
            : _ascii ? Encoding.Latin1.GetString(raw) // ASCII bytes are the same characters in Latin-1: a plain widening
            : Encoding.UTF8.GetString(raw);
        (_decoded ??= RentDecoded())[index] = text;
        return text;
    }

    /// <summary>
    /// A validated URL string: the <see cref="Uri"/> the checker parsed (<see cref="KeepUrl"/>), else its text, which the
    /// model parses on first read (the checker's plain-URL scan accepts only what <see cref="Uri"/> does).
    /// </summary>
    public LazyUrl Url(int index) => _decoded?[index] is Uri kept ? new LazyUrl(kept) : LazyUrl.FromValidatedText(Text(index));

    /// <summary>Keeps the <see cref="Uri"/> the checker parsed from a string token, for <see cref="Url"/>.</summary>
    public void KeepUrl(int index, Uri url) => (_decoded ??= RentDecoded())[index] = url;

    /// <summary>Whether a well-formed string or name equals <paramref name="expected"/> (in UTF-8), escapes decoded.</summary>
    public bool TextEquals(int index, ReadOnlySpan<byte> expected)
    {
        ref readonly var token = ref _tokens[index];
        if ((token.Flags & TokenFlags.Escaped) == 0) return token.Length == expected.Length && new ReadOnlySpan<byte>(_bytes, _offset + token.Start, token.Length).SequenceEqual(expected);
        if ((token.Flags & TokenFlags.IllFormed) != 0) return false;
        return Utf8Equals(expected, Text(index));
    }

    /// <summary>Whether a well-formed string or name equals <paramref name="expected"/>, without decoding it when it is ASCII.</summary>
    public bool TextEquals(int index, string expected)
    {
        ref readonly var token = ref _tokens[index];
        if ((token.Flags & TokenFlags.Escaped) == 0)
        {
            var raw = new ReadOnlySpan<byte>(_bytes, _offset + token.Start, token.Length);
            var ascii = true;
            if (raw.Length == expected.Length)
            {
                for (var i = 0; i < raw.Length; i++)
                {
                    var c = expected[i];
                    if (c >= 0x80)
                    {
                        ascii = false;
                        break;
                    }
                    if (raw[i] != c) return false;
                }
                if (ascii) return true;
            }
            else
            {
                foreach (var c in expected)
                {
                    if (c >= 0x80)
                    {
                        ascii = false;
                        break;
                    }
                }
                if (ascii) return false;
            }
        }
        if ((token.Flags & TokenFlags.IllFormed) != 0) return false;
        return string.Equals(Text(index), expected, StringComparison.Ordinal);
    }

    /// <summary>The first member of object <paramref name="node"/> named <paramref name="utf8Name"/>, or -1; the last one when <paramref name="last"/>.</summary>
    public int FindMember(int node, ReadOnlySpan<byte> utf8Name, bool last)
    {
        var tokens = _tokens;
        if ((tokens[node].Names & NccoToken.NameBit(utf8Name)) == 0) return -1;
        var utf8 = Input;
        var end = tokens[node].Next;
        var found = -1;
        for (var i = node + 1; i < end; i = tokens[i + 1].Next)
        {
            // The reader looks up every field it binds this way: an unescaped name of another length is rejected
            // without a call, and the rest compared in place.
            ref readonly var name = ref tokens[i];
            if ((name.Flags & TokenFlags.Escaped) == 0)
            {
                if (name.Length != utf8Name.Length || !utf8.Slice(name.Start, name.Length).SequenceEqual(utf8Name)) continue;
            }
            else if (!TextEquals(i, utf8Name))
            {
                continue;
            }
            if (!last) return i;
            found = i;
        }
        return found;
    }

    /// <summary>Records a finding.</summary>
    public void Add(NccoError finding)
    {
        (_findings ??= []).Add(finding);
        if (finding.Severity == NccoSeverity.Error) HasErrors = true;
    }

    public void Dispose()
    {
        if (_decoded is { } decoded)
        {
            Array.Clear(decoded, 0, Count);
            ArrayPool<object?>.Shared.Return(decoded);
            _decoded = null;
        }
        if (_tokens.Length > 0)
        {
            ArrayPool<NccoToken>.Shared.Return(_tokens);
            _tokens = [];
        }
        if (_rentedInput is { } input)
        {
            ArrayPool<byte>.Shared.Return(input);
            _rentedInput = null;
        }
    }

    private object?[] RentDecoded()
    {
        var decoded = ArrayPool<object?>.Shared.Rent(Count);
        Array.Clear(decoded, 0, Count);
        return decoded;
    }

    private static NccoTokens Tokenize(NccoTokens document)
    {
        try
        {
            document.ReadAll();
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    /// <summary>The one pass: tokens, container sizes and subtree ends, and each string's Unicode check.</summary>
    private void ReadAll()
    {
        var reader = new Utf8JsonReader(Input, ReaderOptions);
        Span<int> open = stackalloc int[MaxDepth + 1];
        var depth = 0;
        var count = 0;
        var wellFormed = true;
        // One vectorized check of the whole input (nearly always ASCII) instead of one call per string: when it
        // passes, every unescaped string is valid UTF-8.
        // ASCII (nearly every NCCO) is valid UTF-8 whose strings decode by widening each byte, without a second pass.
        _ascii = Ascii.IsValid(Input);
        var allValid = _ascii || Utf8.IsValid(Input);
        if (_scan && allValid && TryScan(Input)) return;
        while (reader.Read())
        {
            var type = reader.TokenType;
            if (type is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                ref var container = ref _tokens[open[--depth]];
                container.Next = count;
                container.Length = (int)reader.TokenStartIndex + 1 - container.Start;
                continue;
            }
            if (count == _tokens.Length) Grow();
            ref var token = ref _tokens[count];
            token = default;
            var index = count++;
            token.Next = count;
            if (type == JsonTokenType.PropertyName)
            {
                token.Flags = TokenFlags.Name;
                _tokens[open[depth - 1]].Count++;
                wellFormed &= ReadText(ref reader, ref token, allValid);
                token.Kind = NodeKind.String;
                _tokens[open[depth - 1]].Names |= (token.Flags & TokenFlags.Escaped) != 0 ? ulong.MaxValue : NccoToken.NameBit(reader.ValueSpan);
                continue;
            }
            if (depth > 0 && _tokens[open[depth - 1]].Kind == NodeKind.Array) _tokens[open[depth - 1]].Count++;
            switch (type)
            {
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    token.Kind = type == JsonTokenType.StartObject ? NodeKind.Object : NodeKind.Array;
                    token.Start = (int)reader.TokenStartIndex;
                    open[depth++] = index;
                    break;
                case JsonTokenType.String:
                    token.Kind = NodeKind.String;
                    wellFormed &= ReadText(ref reader, ref token, allValid);
                    break;
                default:
                    token.Kind = type switch
                    {
                        JsonTokenType.Number => NodeKind.Number,
                        JsonTokenType.True or JsonTokenType.False => NodeKind.Boolean,
                        _ => NodeKind.Null,
                    };
                    if (type == JsonTokenType.True) token.Flags = TokenFlags.True;
                    token.Start = (int)reader.TokenStartIndex;
                    token.Length = reader.ValueSpan.Length;
                    break;
            }
        }
        Count = count;
        AllTextWellFormed = wellFormed;
    }

    private static bool ReadText(ref Utf8JsonReader reader, ref NccoToken token, bool allValid)
    {
        var raw = reader.ValueSpan;
        token.Start = (int)reader.TokenStartIndex + 1;
        token.Length = raw.Length;
        bool wellFormed;
        if (reader.ValueIsEscaped)
        {
            token.Flags |= TokenFlags.Escaped;
            wellFormed = Utf8Text.IsWellFormed(raw);
        }
        else
        {
            wellFormed = allValid || Utf8.IsValid(raw);
        }
        if (!wellFormed) token.Flags |= TokenFlags.IllFormed;
        return wellFormed;
    }

    private void Grow()
    {
        var larger = ArrayPool<NccoToken>.Shared.Rent(_tokens.Length * 2);
        _tokens.AsSpan().CopyTo(larger);
        ArrayPool<NccoToken>.Shared.Return(_tokens);
        _tokens = larger;
    }

    private static bool Utf8Equals(ReadOnlySpan<byte> utf8, string text)
    {
        if (utf8.Length < text.Length || utf8.Length > text.Length * 3) return false;
        Span<char> chars = utf8.Length <= 256 ? stackalloc char[utf8.Length] : new char[utf8.Length];
        return Utf8.ToUtf16(utf8, chars, out _, out var written, replaceInvalidSequences: false) == OperationStatus.Done
            && chars[..written].SequenceEqual(text);
    }

    private static int Transcode(string json, byte[] buffer)
    {
        var source = json.AsSpan();
        var written = 0;
        while (true)
        {
            var status = Utf8.FromUtf16(source, buffer.AsSpan(written), out var read, out var wrote, replaceInvalidSequences: false);
            written += wrote;
            if (status != OperationStatus.InvalidData) return written;
            // An unpaired surrogate: its generalized UTF-8 form is three bytes no UTF-8 decoder accepts.
            var c = source[read];
            buffer[written++] = (byte)(0xE0 | (c >> 12));
            buffer[written++] = (byte)(0x80 | ((c >> 6) & 0x3F));
            buffer[written++] = (byte)(0x80 | (c & 0x3F));
            source = source[(read + 1)..];
        }
    }

    /// <summary>Parses a number token's text as <see cref="long"/>, as <see cref="JsonElement.TryGetInt64"/> does.</summary>
    public bool TryGetInt64(int index, out long value) =>
        Utf8Parser.TryParse(Raw(index), out value, out var consumed) && consumed == _tokens[index].Length;

    /// <summary>Parses a number token's text as a finite <see cref="double"/>, as <see cref="JsonElement.TryGetDouble"/> does.</summary>
    public bool TryGetDouble(int index, out double value) =>
        Utf8Parser.TryParse(Raw(index), out value, out var consumed) && consumed == _tokens[index].Length && double.IsFinite(value);
}
