using Ncco.Model.Endpoints;
using Ncco.Sip.Messages;

namespace Ncco.Host.Legs.Sip;

/// <summary>Turns an NCCO <c>sip</c> endpoint into what goes on the wire: the request URI and the extra headers.</summary>
internal static class SipTargets
{
    /// <summary>The longest header value passed on; the SIP stack limits line length and a longer one is hostile input.</summary>
    private const int MaxHeaderValue = 1024;

    /// <summary>The request URI: <c>uri</c>, or <c>sip:user@domain</c>; null when it does not parse as a SIP URI.</summary>
    public static SipUri? UriOf(SipEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var text = endpoint.Uri ?? (endpoint.User is { } user && endpoint.Domain is { } domain ? $"sip:{user}@{domain}" : null);
        return text is not null && SipUri.TryParse(text, out var uri) && uri is { IsSip: true } ? uri : null;
    }

    /// <summary><c>headers</c> as <c>X-</c> headers (the prefix added when missing) and <c>User-to-User</c>.</summary>
    public static IReadOnlyList<SipHeader> HeadersOf(SipEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var headers = new List<SipHeader>();
        foreach (var (name, value) in (IEnumerable<KeyValuePair<string, string>>?)endpoint.Headers ?? [])
        {
            if (!IsToken(name) || !IsValue(value)) continue; // never let a value split the message
            headers.Add(new SipHeader(name.StartsWith("X-", StringComparison.OrdinalIgnoreCase) ? name : "X-" + name, value));
        }
        if (endpoint.UserToUser is { } uui && IsValue(uui)) headers.Add(new SipHeader("User-to-User", uui));
        return headers;
    }

    /// <summary>
    /// The From of an outbound INVITE: <c>sip:{callerId}@{host}</c> when the call's <c>from</c> is a plain user or
    /// number; null (the stack's default) otherwise, so a hostile value never reaches the wire.
    /// </summary>
    public static NameAddress? FromOf(string? callerId, string host) =>
        callerId is { Length: > 0 and <= 64 } id && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.' or '_' or '*' or '#')
            ? new NameAddress { Uri = new SipUri { Scheme = "sip", User = id, Host = host } }
            : null;

    /// <summary>The <c>detail</c> of a <c>failed</c> event for a final response that is not busy, reject or no answer.</summary>
    public static string FailureDetail(int status) => status switch
    {
        404 or 410 or 484 or 604 => "number_out_of_service",
        500 => "internal_error",
        _ => "cannot_route",
    };

    private static bool IsToken(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '!' or '%' or '*' or '+' or '`' or '\'' or '~');

    private static bool IsValue(string value) => value.Length <= MaxHeaderValue && !value.Any(c => c is '\r' or '\n' or '\0');
}
