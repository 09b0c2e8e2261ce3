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

    /// <summary>The parameters in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Items => _items;

    /// <summary>Number of parameters.</summary>
    public int Count => _items.Length;

    /// <summary>True when a parameter with this name is present (with or without a value).</summary>
    public bool Contains(string name) => Array.FindIndex(_items, p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)) >= 0;

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
        var list = _items.ToList();
        var index = list.FindIndex(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase));
        if (index >= 0)
        {
            list[index] = new(name, value);
        }
        else
        {
            list.Add(new(name, value));
        }
        return new SipParameters(list);
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
