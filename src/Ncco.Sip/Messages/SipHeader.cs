namespace Ncco.Sip.Messages;

/// <summary>One header field as it stands in the message: the canonical (long-form) name and the raw value.</summary>
/// <param name="Name">The header name in its canonical spelling (compact forms are expanded by the parser).</param>
/// <param name="Value">The value with folding undone and surrounding whitespace trimmed.</param>
public sealed record SipHeader(string Name, string Value)
{
    /// <summary>True when this header has the given name (case-insensitive, as RFC 3261 §7.3.1 says).</summary>
    public bool Is(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);
}
