using System.Text.Json;

namespace Ncco.Model;

/// <summary>
/// A piece of free-form JSON inside the model (<c>notify.payload</c>, <c>providerOptions</c>, WebSocket
/// <c>headers</c>) that compares by content. A bare <see cref="JsonElement"/> compares by document identity,
/// which would make two parses of the same NCCO unequal.
/// </summary>
public readonly struct JsonValue : IEquatable<JsonValue>
{
    /// <summary>Wraps a copy of <paramref name="element"/> that outlives its document.</summary>
    public JsonValue(JsonElement element) => Element = element.ValueKind == JsonValueKind.Undefined ? element : element.Clone();

    private JsonValue(JsonElement element, bool owned) => Element = element;

    /// <summary>Wraps an element that already outlives its source (from <see cref="JsonElement.ParseValue"/>): no second copy.</summary>
    internal static JsonValue Owning(JsonElement element) => new(element, owned: true);

    /// <summary>The JSON.</summary>
    public JsonElement Element { get; }

    /// <summary>The JSON kind (object, array, string, …).</summary>
    public JsonValueKind ValueKind => Element.ValueKind;

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
    public bool Equals(JsonValue other) => JsonElement.DeepEquals(Element, other.Element);

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
}
