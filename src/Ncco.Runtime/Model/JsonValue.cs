using System.Text.Json;

namespace Ncco.Model;

/// <summary>
/// A piece of free-form JSON inside the model (<c>notify.payload</c>, <c>providerOptions</c>, WebSocket
/// <c>headers</c>) that compares by content. A bare <see cref="JsonElement"/> compares by document identity,
/// which would make two parses of the same NCCO unequal.
/// </summary>
public readonly struct JsonValue : IEquatable<JsonValue>
{
    // Null for the default (undefined) value. A value bound from validated NCCO JSON holds a copy of its UTF-8 text and
    // parses it on first read of Element (issue 19): most payloads and provider options are read once, when their action
    // runs, and parsing each into a JsonDocument took ≈ 3 % of a 20-action parse and a tenth of its bytes.
    private readonly Source? _source;

    /// <summary>Wraps a copy of <paramref name="element"/> that outlives its document.</summary>
    public JsonValue(JsonElement element) => _source = element.ValueKind == JsonValueKind.Undefined ? null : new Source(element.Clone());

    private JsonValue(Source source) => _source = source;

    /// <summary>
    /// Holds the UTF-8 text of one JSON value the validator read (well-formed: it came through the tokenizer), parsed on
    /// first read of <see cref="Element"/>. The caller gives up the array.
    /// </summary>
    internal static JsonValue FromValidatedUtf8(byte[] utf8) => new(new Source(utf8));

    /// <summary>The JSON.</summary>
    public JsonElement Element => _source is { } source ? source.Element : default;

    /// <summary>The JSON kind (object, array, string, …).</summary>
    public JsonValueKind ValueKind => _source is { } source ? source.Kind : JsonValueKind.Undefined;

    /// <summary>Whether the text is held and not parsed yet (for tests).</summary>
    internal bool IsDeferred => _source is { IsParsed: false };

    /// <summary>Serialises any value (an anonymous object, a dictionary, a record) to JSON.</summary>
    public static JsonValue From<T>(T value) => new(JsonSerializer.SerializeToElement(value));

    /// <summary>Parses JSON text.</summary>
    public static JsonValue Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new JsonValue(document.RootElement);
    }

    /// <summary>Writes the JSON.</summary>
    public void WriteTo(Utf8JsonWriter writer) => Element.WriteTo(writer);

    /// <summary>The JSON text.</summary>
    public string GetRawText() => Element.GetRawText();

    /// <inheritdoc />
    public bool Equals(JsonValue other)
    {
        if (ReferenceEquals(_source, other._source)) return true;
        // The same text is the same value; otherwise deep equality (white space, escapes and member order aside).
        if (_source is { IsParsed: false } a && other._source is { IsParsed: false } b && a.Utf8.SequenceEqual(b.Utf8)) return true;
        return JsonElement.DeepEquals(Element, other.Element);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is JsonValue other && Equals(other);

    /// <summary>Consistent with deep equality: equal values always share the kind (and, for containers, the size).</summary>
    public override int GetHashCode() => Element.ValueKind switch
    {
        JsonValueKind.Object => HashCode.Combine(JsonValueKind.Object, Element.EnumerateObject().Count()),
        JsonValueKind.Array => HashCode.Combine(JsonValueKind.Array, Element.GetArrayLength()),
        var kind => kind.GetHashCode(),
    };

    /// <inheritdoc />
    public override string ToString() => Element.ValueKind == JsonValueKind.Undefined ? string.Empty : Element.GetRawText();

    /// <summary>Content equality.</summary>
    public static bool operator ==(JsonValue left, JsonValue right) => left.Equals(right);

    /// <summary>Content inequality.</summary>
    public static bool operator !=(JsonValue left, JsonValue right) => !left.Equals(right);

    /// <summary>Wraps an element.</summary>
    public static implicit operator JsonValue(JsonElement element) => new(element);

    /// <summary>Unwraps the element.</summary>
    public static implicit operator JsonElement(JsonValue value) => value.Element;

    /// <summary>An element, or the text of one parsed when first read (once, whichever thread reads first).</summary>
    private sealed class Source
    {
        private readonly byte[]? _utf8;
        private readonly Lock _lock = new();
        private JsonElement _element;
        private volatile bool _parsed;

        public Source(JsonElement element)
        {
            _element = element;
            _parsed = true;
        }

        public Source(byte[] utf8) => _utf8 = utf8;

        public bool IsParsed => _parsed;

        /// <summary>The held text (empty once parsed from an element).</summary>
        public ReadOnlySpan<byte> Utf8 => _utf8;

        public JsonValueKind Kind => _parsed ? _element.ValueKind : _utf8![0] switch
        {
            (byte)'{' => JsonValueKind.Object,
            (byte)'[' => JsonValueKind.Array,
            (byte)'"' => JsonValueKind.String,
            (byte)'t' => JsonValueKind.True,
            (byte)'f' => JsonValueKind.False,
            (byte)'n' => JsonValueKind.Null,
            _ => JsonValueKind.Number,
        };

        public JsonElement Element
        {
            get
            {
                if (!_parsed) Parse();
                return _element;
            }
        }

        private void Parse()
        {
            lock (_lock)
            {
                if (_parsed) return;
                var reader = new Utf8JsonReader(_utf8);
                _element = JsonElement.ParseValue(ref reader);
                _parsed = true;
            }
        }
    }
}
