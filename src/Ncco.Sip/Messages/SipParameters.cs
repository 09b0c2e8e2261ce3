using System.Text;

namespace Ncco.Sip.Messages;

/// <summary>
/// An ordered, immutable list of <c>;name=value</c> parameters (URI, Via, name-addr). Names compare case-insensitively
/// because RFC 3261 makes parameter names case-insensitive; values keep their spelling. A flag parameter has a null value.
/// </summary>
public sealed class SipParameters : IEquatable<SipParameters>
{
    private readonly KeyValuePair<string, string?>[] _items;

    /// <summary>No parameters.</summary>
    public static SipParameters Empty { get; } = new([]);

    /// <summary>Creates a list from pairs (kept in order).</summary>
    public SipParameters(IEnumerable<KeyValuePair<string, string?>> items) => _items = items.ToArray();

    /// <summary>A list over <paramref name="items"/> itself, which the caller gives up (the parsers build it exactly sized).</summary>
    internal SipParameters(KeyValuePair<string, string?>[] items, bool owned) => _items = owned ? items : [.. items];

    /// <summary>The parameters in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Items => _items;

    /// <summary>Number of parameters.</summary>
    public int Count => _items.Length;

    /// <summary>True when a parameter with this name is present (with or without a value).</summary>
    public bool Contains(string name) => IndexOf(name) >= 0;

    private int IndexOf(string name)
    {
        for (var i = 0; i < _items.Length; i++)
        {
            if (string.Equals(_items[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The value of the first parameter with this name; null when absent or a flag.</summary>
    public string? this[string name]
    {
        get
        {
            foreach (var p in _items)
            {
                if (string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return p.Value;
                }
            }
            return null;
        }
    }

    /// <summary>A copy with this parameter set (replaced in place if present, else appended).</summary>
    public SipParameters With(string name, string? value)
    {
        // One array of the new length, no list or predicate (a received Via gets its received/rport this way).
        var index = IndexOf(name);
        var items = new KeyValuePair<string, string?>[index >= 0 ? _items.Length : _items.Length + 1];
        _items.CopyTo(items, 0);
        items[index >= 0 ? index : _items.Length] = new(name, value);
        return new SipParameters(items, owned: true);
    }

    /// <summary>A copy without the named parameter.</summary>
    public SipParameters Without(string name) =>
        new(_items.Where(p => !string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Writes the parameters with their leading separator (<c>;</c> for params).</summary>
    public void AppendTo(StringBuilder builder, char separator = ';')
    {
        for (var i = 0; i < _items.Length; i++)
        {
            if (separator == '?' && i > 0)
            {
                builder.Append('&');
            }
            else
            {
                builder.Append(separator);
            }
            builder.Append(_items[i].Key);
            if (_items[i].Value is { } value)
            {
                builder.Append('=').Append(value);
            }
        }
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var builder = new StringBuilder();
        AppendTo(builder);
        return builder.ToString();
    }

    /// <inheritdoc />
    public bool Equals(SipParameters? other)
    {
        if (other is null || other.Count != Count)
        {
            return false;
        }
        foreach (var p in _items)
        {
            if (!other.Contains(p.Key) || !string.Equals(other[p.Key], p.Value, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SipParameters);

    /// <inheritdoc />
    public override int GetHashCode() => Count;
}
