namespace Ncco.Sip.Messages;

/// <summary>Canonical header names and the compact forms of RFC 3261 §7.3.3 (plus RFC 3515/3841/4028 ones).</summary>
public static class HeaderNames
{
    /// <summary>Via.</summary>
    public const string Via = "Via";
    /// <summary>From.</summary>
    public const string From = "From";
    /// <summary>To.</summary>
    public const string To = "To";
    /// <summary>Call-ID.</summary>
    public const string CallId = "Call-ID";
    /// <summary>CSeq.</summary>
    public const string CSeq = "CSeq";
    /// <summary>Contact.</summary>
    public const string Contact = "Contact";
    /// <summary>Max-Forwards.</summary>
    public const string MaxForwards = "Max-Forwards";
    /// <summary>Content-Length.</summary>
    public const string ContentLength = "Content-Length";
    /// <summary>Content-Type.</summary>
    public const string ContentType = "Content-Type";
    /// <summary>Content-Encoding.</summary>
    public const string ContentEncoding = "Content-Encoding";
    /// <summary>Subject.</summary>
    public const string Subject = "Subject";
    /// <summary>Supported.</summary>
    public const string Supported = "Supported";
    /// <summary>Require.</summary>
    public const string Require = "Require";

    /// <summary>RSeq (RFC 3262): the sequence number of a reliable provisional response.</summary>
    public const string RSeq = "RSeq";

    /// <summary>RAck (RFC 3262): the RSeq, CSeq number and method a PRACK acknowledges.</summary>
    public const string RAck = "RAck";
    /// <summary>Unsupported.</summary>
    public const string Unsupported = "Unsupported";
    /// <summary>Allow.</summary>
    public const string Allow = "Allow";
    /// <summary>Route.</summary>
    public const string Route = "Route";
    /// <summary>Record-Route.</summary>
    public const string RecordRoute = "Record-Route";
    /// <summary>Path (RFC 3327): proxies a REGISTER passed that requests to the registered contact must pass again.</summary>
    public const string Path = "Path";
    /// <summary>User-Agent.</summary>
    public const string UserAgent = "User-Agent";
    /// <summary>Server.</summary>
    public const string Server = "Server";
    /// <summary>WWW-Authenticate.</summary>
    public const string WwwAuthenticate = "WWW-Authenticate";
    /// <summary>Proxy-Authenticate.</summary>
    public const string ProxyAuthenticate = "Proxy-Authenticate";
    /// <summary>Authorization.</summary>
    public const string Authorization = "Authorization";
    /// <summary>Proxy-Authorization.</summary>
    public const string ProxyAuthorization = "Proxy-Authorization";
    /// <summary>Session-Expires (RFC 4028).</summary>
    public const string SessionExpires = "Session-Expires";
    /// <summary>Min-SE (RFC 4028).</summary>
    public const string MinSe = "Min-SE";
    /// <summary>Expires.</summary>
    public const string Expires = "Expires";
    /// <summary>Retry-After.</summary>
    public const string RetryAfter = "Retry-After";

    /// <summary>Refer-To (RFC 3515): whom a REFER asks us to call.</summary>
    public const string ReferTo = "Refer-To";

    /// <summary>Referred-By (RFC 3892): who asked for the transfer.</summary>
    public const string ReferredBy = "Referred-By";

    /// <summary>Refer-Sub (RFC 4488): <c>false</c> asks for a REFER without the implicit subscription (no NOTIFYs).</summary>
    public const string ReferSub = "Refer-Sub";

    /// <summary>Event (RFC 6665).</summary>
    public const string Event = "Event";

    /// <summary>Subscription-State (RFC 6665).</summary>
    public const string SubscriptionState = "Subscription-State";

    /// <summary>Allow-Events (RFC 6665): the event packages a UA takes SUBSCRIBEs for.</summary>
    public const string AllowEvents = "Allow-Events";

    /// <summary>Replaces (RFC 3891): names a dialog an INVITE replaces; in a Refer-To URI, an attended transfer.</summary>
    public const string Replaces = "Replaces";

    /// <summary>Returns the canonical name for a header name as received: compact forms expanded, known names re-cased.</summary>
    public static string Canonical(string name) => Canonical(name.AsSpan(), name);

    /// <summary>
    /// The canonical name for a header name read from a message: one of the constants when known (no string made),
    /// else the text itself (<paramref name="text"/> when given, a new string otherwise).
    /// </summary>
    internal static string Canonical(ReadOnlySpan<char> name, string? text = null)
    {
        if (name.Length == 1)
        {
            switch (char.ToLowerInvariant(name[0]))
            {
                case 'i': return CallId;
                case 'm': return Contact;
                case 'e': return ContentEncoding;
                case 'l': return ContentLength;
                case 'c': return ContentType;
                case 'f': return From;
                case 's': return Subject;
                case 'k': return Supported;
                case 't': return To;
                case 'v': return Via;
                case 'x': return SessionExpires;
                case 'o': return "Event";
                case 'r': return "Refer-To";
                case 'u': return AllowEvents;
                case 'b': return "Referred-By";
                case 'a': return "Accept-Contact";
                case 'j': return "Reject-Contact";
                case 'd': return "Request-Disposition";
            }
        }
        foreach (var known in Known)
        {
            if (name.Equals(known, StringComparison.OrdinalIgnoreCase))
            {
                return known;
            }
        }
        return text ?? name.ToString();
    }

    private static readonly string[] Known =
    [
        Via, From, To, CallId, CSeq, Contact, MaxForwards, ContentLength, ContentType, ContentEncoding, Subject, Supported,
        Require, Unsupported, Allow, Route, RecordRoute, Path, UserAgent, Server, WwwAuthenticate, ProxyAuthenticate, Authorization,
        ProxyAuthorization, SessionExpires, MinSe, Expires, RetryAfter, ReferTo, ReferredBy, ReferSub, Event, SubscriptionState, Replaces,
        AllowEvents,
    ];

    /// <summary>
    /// Headers whose value is a comma-separated list that the parser splits into one <see cref="SipHeader"/> per element
    /// (RFC 3261 §7.3.1 makes the two spellings equivalent). Auth headers are excluded: their commas separate parameters.
    /// </summary>
    internal static bool IsSplitList(string canonical) =>
        canonical is Via or Contact or Route or RecordRoute or Path;
}
