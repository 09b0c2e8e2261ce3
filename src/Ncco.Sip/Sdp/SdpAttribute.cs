namespace Ncco.Sip.Sdp;

/// <summary>An <c>a=</c> line: a name and an optional value (after the first colon).</summary>
/// <param name="Name">Attribute name.</param>
/// <param name="Value">Value, or null for a flag attribute.</param>
public sealed record SdpAttribute(string Name, string? Value = null)
{
    /// <inheritdoc />
    public override string ToString() => Value is null ? Name : $"{Name}:{Value}";
}
