using System.Text.Json;
using Ncco.Verbs;

namespace Ncco.Model.Actions;

/// <summary>
/// An action the platform does not define, kept as its raw JSON. Register its handler under the same name
/// (<see cref="Interpreter.HandlerRegistry.Register{TProperties}"/>): the VM then accepts the name in NCCOs it
/// fetches and runs it. An app builds one with <see cref="NccoBuilder.Custom"/> or <see cref="Create"/>; see
/// <c>Verbs/README.md</c> for the whole path.
/// </summary>
/// <param name="ActionName">The wire name.</param>
/// <param name="Json">The whole action object, <c>action</c> included.</param>
public sealed record CustomAction(string ActionName, JsonValue Json) : NccoAction
{
    /// <inheritdoc />
    public override string Name => ActionName;

    /// <summary>
    /// A custom action <c>{"action": name, …properties}</c>. <paramref name="properties"/> is anything that serialises
    /// to a JSON object (a record, an anonymous object, a dictionary, a <see cref="JsonElement"/>), written with
    /// System.Text.Json's web defaults, so .NET property names arrive camelCased.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or a built-in verb's, or the properties are not a JSON
    /// object or contain <c>action</c>.</exception>
    public static CustomAction Create(string name, object? properties = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (NccoVerbs.IsBuiltIn(name))
        {
            throw new ArgumentException($"\"{name}\" is a built-in action; build it with NccoBuilder.{char.ToUpperInvariant(name[0])}{name[1..]} or its action record.", nameof(name));
        }
        var element = properties switch
        {
            null => default,
            JsonElement e => e,
            JsonValue v => v.Element,
            _ => JsonSerializer.SerializeToElement(properties, properties.GetType(), JsonSerializerOptions.Web),
        };
        if (element.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Object))
        {
            throw new ArgumentException($"The properties of a custom action must be a JSON object, not {element.ValueKind}.", nameof(properties));
        }
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("action"u8, name);
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    if (property.NameEquals("action"u8)) throw new ArgumentException("The properties of a custom action cannot set \"action\"; it is the name.", nameof(properties));
                    property.WriteTo(w);
                }
            }
            w.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        return new CustomAction(name, new JsonValue(document.RootElement));
    }

    /// <summary>
    /// The action's properties as <typeparamref name="TProperties"/> (System.Text.Json, web defaults unless
    /// <paramref name="options"/> says otherwise: camelCase, case-insensitive, numbers may be strings). The
    /// <c>action</c> member is ignored unless the type has one.
    /// </summary>
    /// <exception cref="JsonException">The JSON does not fit the type; the message names the path.</exception>
    public TProperties Read<TProperties>(JsonSerializerOptions? options = null) =>
        Json.Element.Deserialize<TProperties>(options ?? JsonSerializerOptions.Web)
        ?? throw new JsonException($"The \"{ActionName}\" action has no properties to read.");
}
