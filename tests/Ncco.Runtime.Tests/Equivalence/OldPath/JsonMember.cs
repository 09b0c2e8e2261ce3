using System.Text.Json;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Runtime.Tests.Equivalence.OldPath;

/// <summary>
/// A member of a JSON object as the rule checker sees it: one met while walking the object, or one found by name
/// (through System.Text.Json's own lookup, which is faster than a walk; its name is then the spelling looked up).
/// </summary>
internal readonly struct JsonMember
{
    private readonly JsonProperty _property;
    private readonly JsonElement _value;

    public JsonMember(JsonProperty property)
    {
        _property = property;
        _value = default;
        Spelling = null;
    }

    public JsonMember(string spelling, JsonElement value)
    {
        _property = default;
        _value = value;
        Spelling = spelling;
    }

    /// <summary>The name looked up, when the member was found by name (always valid Unicode); null when it was walked to.</summary>
    public string? Spelling { get; }

    /// <summary>The member met while walking (default when found by name).</summary>
    public JsonProperty Property => _property;

    public JsonElement Value => Spelling is null ? _property.Value : _value;
}
