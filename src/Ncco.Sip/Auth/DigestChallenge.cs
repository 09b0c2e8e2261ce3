using Ncco.Sip.Parsing;

namespace Ncco.Sip.Auth;

/// <summary>A parsed <c>Digest</c> challenge or credentials header: the scheme and its comma-separated parameters.</summary>
public sealed record DigestChallenge(IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>realm.</summary>
    public string Realm => Get("realm") ?? "";

    /// <summary>nonce.</summary>
    public string Nonce => Get("nonce") ?? "";

    /// <summary>opaque, or null.</summary>
    public string? Opaque => Get("opaque");

    /// <summary>The algorithm, MD5 when absent (RFC 2617).</summary>
    public string Algorithm => Get("algorithm") ?? "MD5";

    /// <summary>The qop options offered (challenge) or chosen (credentials).</summary>
    public IReadOnlyList<string> Qop => (Get("qop") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>True when the server says the nonce merely expired (retry without asking the user again).</summary>
    public bool Stale => string.Equals(Get("stale"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A parameter, case-insensitive name.</summary>
    public string? Get(string name) => Parameters.TryGetValue(name, out var value) ? value : null;

    /// <summary>Parses <c>Digest k=v, k="v"…</c>; errors name <paramref name="header"/>.</summary>
    public static DigestChallenge Parse(string value, string header)
    {
        var text = value.Trim();
        if (!text.StartsWith("Digest", StringComparison.OrdinalIgnoreCase) || (text.Length > 6 && text[6] is not (' ' or '\t')))
        {
            throw new SipParseException("only the Digest scheme is supported", header);
        }
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 6;
        while (i < text.Length)
        {
            HeaderText.SkipSpace(text, ref i);
            if (i < text.Length && text[i] == ',')
            {
                i++;
                continue;
            }
            var name = HeaderText.ReadToken(text, ref i);
            if (name.Length == 0)
            {
                throw new SipParseException("expected a parameter name", header);
            }
            HeaderText.SkipSpace(text, ref i);
            if (i >= text.Length || text[i] != '=')
            {
                throw new SipParseException($"parameter '{name}' has no value", header);
            }
            i++;
            HeaderText.SkipSpace(text, ref i);
            string parameterValue;
            if (i < text.Length && text[i] == '"')
            {
                parameterValue = HeaderText.ReadQuoted(text, ref i, header);
            }
            else
            {
                var start = i;
                while (i < text.Length && text[i] is not (',' or ' ' or '\t'))
                {
                    i++;
                }
                parameterValue = text[start..i];
            }
            parameters[name] = parameterValue;
        }
        return new DigestChallenge(parameters);
    }
}
