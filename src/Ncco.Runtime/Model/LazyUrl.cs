namespace Ncco.Model;

/// <summary>
/// The value behind a model's URL property: the <see cref="Uri"/> given in code, or — when bound from validated NCCO
/// JSON — the URL's text, made into a <see cref="Uri"/> on first read and kept. Parsing a <see cref="Uri"/> costs more
/// than reading the rest of an action (issue 19: the nine of a 20-action NCCO were ≈ 6 % of its parse and 8 % of its
/// bytes), and many URLs of a parsed NCCO are never read (an action that does not run, a webhook never called).
/// </summary>
/// <remarks>
/// Only text the validator accepted as an absolute URL is held (<c>FormatChecks</c>: the plain-URL scan accepts only
/// what <see cref="Uri"/> does), so the first read cannot throw. Two threads reading at once may each parse; either
/// result is kept and both are equal, as an eagerly made <see cref="Uri"/> would be. Equality is <see cref="Uri"/>'s,
/// with equal text answered without parsing.
/// </remarks>
internal struct LazyUrl : IEquatable<LazyUrl>
{
    // A Uri, a string (validated absolute URL text, not parsed yet) or null.
    private object? _value;

    /// <summary>Holds a URL given in code (or null).</summary>
    public LazyUrl(Uri? url) => _value = url;

    private LazyUrl(object? value, bool _) => _value = value;

    /// <summary>Holds validated absolute URL text, parsed on first read.</summary>
    public static LazyUrl FromValidatedText(string text) => new(text, true);

    /// <summary>The URL, parsed now if only its text is held.</summary>
    public Uri? Value
    {
        get
        {
            var value = _value;
            if (value is not string text) return (Uri?)value;
            var url = new Uri(text, UriKind.Absolute);
            _value = url;
            return url;
        }
    }

    /// <summary>The URL's text as given (<see cref="Uri.OriginalString"/>), without parsing it.</summary>
    public readonly string? Text => _value is string text ? text : ((Uri?)_value)?.OriginalString;

    /// <summary>This URL, or <paramref name="fallback"/> when this holds none (a legacy spelling read second).</summary>
    public readonly LazyUrl Or(LazyUrl fallback) => _value is null ? fallback : this;

    /// <summary>Whether the text is held and not parsed yet (for tests).</summary>
    internal readonly bool IsDeferred => _value is string;

    /// <inheritdoc />
    public readonly bool Equals(LazyUrl other)
    {
        if (ReferenceEquals(_value, other._value)) return true;
        if (_value is null || other._value is null) return false;
        // The same text is the same URL; otherwise what Uri says (a copy is parsed, this one keeps its text).
        if (_value is string a && other._value is string b && string.Equals(a, b, StringComparison.Ordinal)) return true;
        return AsUri(_value).Equals(AsUri(other._value));
    }

    /// <inheritdoc />
    public override readonly bool Equals(object? obj) => obj is LazyUrl other && Equals(other);

    /// <inheritdoc />
    public override readonly int GetHashCode() => _value is null ? 0 : AsUri(_value).GetHashCode();

    private static Uri AsUri(object value) => value as Uri ?? new Uri((string)value, UriKind.Absolute);
}
