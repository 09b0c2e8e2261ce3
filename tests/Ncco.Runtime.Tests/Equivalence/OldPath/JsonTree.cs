using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Ncco.Rules;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Runtime.Tests.Equivalence.OldPath;

/// <summary>
/// The rule checker's view of System.Text.Json elements: names and values are compared as raw UTF-8 (no string is
/// decoded for a valid NCCO except where a format needs it), and findings become <see cref="NccoError"/>s.
/// </summary>
internal readonly struct JsonTree : INccoTree<JsonElement, JsonMember, JsonCursor>
{
    private readonly List<NccoError>? _errors;
    private readonly IReadOnlySet<string>? _customActions;
    private readonly bool _strict;

    /// <summary>A tree that reports to <paramref name="errors"/>.</summary>
    /// <param name="errors">Where findings go (null for the reader, which only reads values).</param>
    /// <param name="customActions">Names of custom actions to accept.</param>
    /// <param name="allTextWellFormed">The whole input was checked to be valid Unicode (<see cref="Utf8Text.IsWellFormedDocument"/>).</param>
    /// <param name="strict">Unknown properties are errors (<see cref="NccoValidationOptions.Strict"/>), else warnings.</param>
    public JsonTree(List<NccoError>? errors, IReadOnlySet<string>? customActions, bool allTextWellFormed, bool strict = false)
    {
        _errors = errors;
        _customActions = customActions;
        _strict = strict;
        AllTextWellFormed = allTextWellFormed;
    }

    public bool AllTextWellFormed { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public NodeKind Kind(JsonElement node) => node.ValueKind switch
    {
        JsonValueKind.String => NodeKind.String,
        JsonValueKind.Number => NodeKind.Number,
        JsonValueKind.True or JsonValueKind.False => NodeKind.Boolean,
        JsonValueKind.Null => NodeKind.Null,
        JsonValueKind.Array => NodeKind.Array,
        JsonValueKind.Object => NodeKind.Object,
        _ => NodeKind.Unknown,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsKnown(JsonElement node) => true;

    public bool TryGetMembers(JsonElement node, out JsonCursor cursor)
    {
        cursor = new JsonCursor(node.EnumerateObject());
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool NextMember(ref JsonCursor cursor, out JsonMember member)
    {
        var found = cursor.NextMember(out var property);
        member = new JsonMember(property);
        return found;
    }

    public bool TryGetItems(JsonElement node, out JsonCursor cursor, out int count)
    {
        count = node.GetArrayLength();
        cursor = new JsonCursor(node.EnumerateArray());
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool NextItem(ref JsonCursor cursor, out JsonElement item) => cursor.NextItem(out item);

    /// <remarks>
    /// The last member of that name, as System.Text.Json's lookup and deserialization read a repeated name (the
    /// checker reports the repetition). Its lookup cannot unescape an unpaired surrogate escape in another member's
    /// name, so unless the whole input is known to be Unicode the members are compared one by one.
    /// </remarks>
    public bool TryGetMember(JsonElement node, string name, byte[] utf8Name, out JsonMember member)
    {
        if (AllTextWellFormed)
        {
            var found = node.TryGetProperty(utf8Name, out var value);
            member = new JsonMember(name, value);
            return found;
        }
        member = default;
        var any = false;
        foreach (var candidate in node.EnumerateObject())
        {
            if (NameEquals(candidate, utf8Name))
            {
                member = new JsonMember(name, candidate.Value);
                any = true;
            }
        }
        return any;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public JsonElement Value(JsonMember member) => member.Value;

    public string Name(JsonMember member) =>
        member.Spelling ?? (IsWellFormed(member) ? member.Property.Name : Utf8Text.Display(JsonMarshal.GetRawUtf8PropertyName(member.Property)));

    public int PropertyIndex(ObjectRule rule, JsonMember walked)
    {
        var member = walked.Property;
        var spellings = rule.Utf8Spellings;
        var raw = JsonMarshal.GetRawUtf8PropertyName(member);
        if (raw.IndexOf((byte)'\\') < 0)
        {
            for (var i = 0; i < spellings.Length; i++)
            {
                if (raw.SequenceEqual(spellings[i])) return rule.SpellingOwners[i];
            }
            return -1;
        }

        // An escaped name (rare): System.Text.Json unescapes it, unless it holds an unpaired surrogate it cannot decode.
        if (!IsWellFormed(walked)) return -1;
        for (var i = 0; i < spellings.Length; i++)
        {
            if (member.NameEquals(spellings[i])) return rule.SpellingOwners[i];
        }
        return -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsWellFormed(JsonMember member) =>
        AllTextWellFormed || member.Spelling is not null || Utf8Text.IsWellFormed(JsonMarshal.GetRawUtf8PropertyName(member.Property));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsWellFormed(JsonElement text) => AllTextWellFormed || Utf8Text.IsWellFormed(RawString(text));

    public string Text(JsonElement text) => IsWellFormed(text) ? text.GetString()! : Utf8Text.Display(RawString(text));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TextEquals(JsonElement text, string expected, byte[]? expectedUtf8) =>
        expectedUtf8 is null ? text.ValueEquals(expected) : text.ValueEquals(expectedUtf8);

    public bool TryGetInt64(JsonElement number, out long value) => number.TryGetInt64(out value);

    public bool TryGetDouble(JsonElement number, out double value) => number.TryGetDouble(out value) && double.IsFinite(value);

    public string NumberText(JsonElement number) => number.GetRawText();

    public bool Boolean(JsonElement node) => node.ValueKind == JsonValueKind.True;

    public int Utf8Length(JsonElement node) => JsonMarshal.GetRawUtf8Value(node).Length;

    public bool IsCustomAction(string name) => _customActions?.Contains(name) == true;

    public bool IsComplete(JsonElement node) => true;

    /// <remarks>Not in the original (the hook came with issue 19); the old path parsed URLs again when binding.</remarks>
    public void KeepUrl(JsonElement text, Uri url)
    {
    }

    public void Report(Problem problem, string pointer, string message, Site<JsonElement, JsonMember> site, Repair<JsonElement, JsonMember> repair) =>
        _errors!.Add(new NccoError(pointer, ProblemCodes.Code(problem), message,
            problem == Problem.UnknownProperty && !_strict ? NccoSeverity.Warning : NccoSeverity.Error));

    /// <summary>
    /// Compares a member name with a UTF-8 spelling without decoding it. An escaped name (rare) is compared by
    /// System.Text.Json, which unescapes it — unless the escape is an unpaired surrogate, which it cannot decode.
    /// </summary>
    private bool NameEquals(JsonProperty member, byte[] utf8)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(member);
        if (raw.IndexOf((byte)'\\') < 0) return raw.SequenceEqual(utf8);
        return Utf8Text.IsWellFormed(raw) && member.NameEquals(utf8);
    }

    private static ReadOnlySpan<byte> RawString(JsonElement text) => JsonMarshal.GetRawUtf8Value(text)[1..^1];
}
