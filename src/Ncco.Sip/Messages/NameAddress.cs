using System.Text;
using Ncco.Sip.Parsing;

namespace Ncco.Sip.Messages;

/// <summary>
/// A name-addr or addr-spec with header parameters (From, To, Contact, Route, Record-Route; RFC 3261 §20.10).
/// In the addr-spec form (no angle brackets) parameters after the URI belong to the header, not the URI.
/// </summary>
public sealed record NameAddress
{
    /// <summary>Display name without quotes, or null.</summary>
    public string? DisplayName { get; init; }

    /// <summary>The address.</summary>
    public required SipUri Uri { get; init; }

    /// <summary>Header parameters such as <c>tag</c>, <c>expires</c>, <c>q</c>.</summary>
    public SipParameters Parameters { get; init; } = SipParameters.Empty;

    /// <summary>The <c>tag</c> parameter (From/To), or null.</summary>
    public string? Tag => Parameters["tag"];

    /// <summary>A copy with the tag set.</summary>
    public NameAddress WithTag(string tag) => this with { Parameters = Parameters.With("tag", tag) };

    /// <summary>Parses a name-addr/addr-spec with parameters; errors name <paramref name="header"/>.</summary>
    public static NameAddress Parse(string text, string header)
    {
        text = text.Trim();
        if (text.Length == 0)
        {
            throw new SipParseException("value is empty", header);
        }
        var i = 0;
        string? display = null;
        if (text[0] == '"')
        {
            display = HeaderText.ReadQuoted(text, ref i, header);
            HeaderText.SkipSpace(text, ref i);
            if (i >= text.Length || text[i] != '<')
            {
                throw new SipParseException("display name must be followed by '<uri>'", header);
            }
        }
        var lt = text.IndexOf('<', i);
        if (lt >= 0)
        {
            if (display is null)
            {
                var name = text[..lt].Trim();
                if (name.Length > 0)
                {
                    // Unquoted display names are tokens separated by spaces (RFC 3261 §25.1).
                    if (!IsTokenList(name))
                    {
                        throw new SipParseException("unquoted display name contains characters a token cannot", header);
                    }
                    display = name;
                }
            }
            var gt = text.IndexOf('>', lt);
            if (gt < 0)
            {
                throw new SipParseException("'<' without a closing '>'", header);
            }
            var uri = SipUri.Parse(text[(lt + 1)..gt], header);
            var parameters = HeaderText.ReadParameters(text, gt + 1, header);
            return new NameAddress { DisplayName = display, Uri = uri, Parameters = parameters };
        }
        // addr-spec: the URI ends at the first ';' for sip URIs' header parameters; for URIs that carry
        // ',' '?' or ';' of their own, RFC 3261 §20.10 demands the name-addr form.
        var semi = text.IndexOf(';');
        var uriText = (semi >= 0 ? text[..semi] : text).TrimEnd(' ', '\t');
        if (uriText.Contains(' ') || uriText.Contains('\t'))
        {
            throw new SipParseException("address contains whitespace; a display name needs '<uri>'", header);
        }
        return new NameAddress
        {
            Uri = SipUri.Parse(uriText, header),
            Parameters = semi >= 0 ? HeaderText.ReadParameters(text, semi, header) : SipParameters.Empty,
        };
    }

    /// <summary>True when the text is tokens separated by spaces or tabs (it is trimmed and not empty).</summary>
    private static bool IsTokenList(string text)
    {
        foreach (var c in text)
        {
            if (c is not (' ' or '\t') && !HeaderText.IsTokenChar(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var builder = new StringBuilder();
        if (DisplayName is not null)
        {
            builder.Append('"').Append(DisplayName.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append("\" ");
        }
        builder.Append('<').Append(Uri).Append('>');
        Parameters.AppendTo(builder);
        return builder.ToString();
    }
}
