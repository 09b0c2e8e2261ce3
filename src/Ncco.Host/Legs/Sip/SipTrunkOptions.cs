namespace Ncco.Host.Legs.Sip;

/// <summary>
/// One SIP trunk, an entry of <c>Ncco:Sip:Trunks</c> (for example <c>Ncco__Sip__Trunks__0__Address=sip.carrier.example:5060</c>):
/// <c>phone</c> endpoints whose number starts with one of <see cref="Prefixes"/> are dialled through it as
/// <c>sip:{digits}@{Address}</c>. Checked at startup by <see cref="SipTrunk.From"/>.
/// </summary>
public sealed class SipTrunkOptions
{
    /// <summary>The trunk's name, used in logs and metrics. Required and unique.</summary>
    public string Name { get; set; } = "";

    /// <summary>The trunk's proxy (and registrar) as <c>host:port</c> (an IP address or a host name; port default 5060). Required.</summary>
    public string Address { get; set; } = "";

    /// <summary>Transport to the trunk: <c>udp</c> (default), <c>tcp</c>, or <c>tls</c> (<c>sips:</c>; needs <c>Ncco:Sip:Tls:Enabled</c>).</summary>
    public string Transport { get; set; } = "udp";

    /// <summary>Digest user name for the trunk's 401/407 challenges and for REGISTER; none when empty.</summary>
    public string? Username { get; set; }

    /// <summary>Digest password (never logged). Required when <see cref="Username"/> is set.</summary>
    public string? Password { get; set; }

    /// <summary>Keep a registration with the trunk (as <c>sip:{Username}@{host}</c>), refreshed before it expires. Default false.</summary>
    public bool Register { get; set; }

    /// <summary>Registration expiry asked for, in seconds (60–86400). Default 300.</summary>
    public int RegisterExpires { get; set; } = 300;

    /// <summary>
    /// Number prefixes (E.164 digits, e.g. <c>44</c>) the trunk serves; <c>*</c> serves every number. Trunks are tried in
    /// order and the first whose prefix matches dials. Default <c>*</c>.
    /// </summary>
    public List<string> Prefixes { get; set; } = [];

    /// <summary>Caller id (E.164 digits) used when the call has none and the application owns no number. Optional.</summary>
    public string? DefaultCallerId { get; set; }

    /// <summary>Caller id (E.164 digits) that always replaces the call's own, for trunks that accept only their own numbers. Optional.</summary>
    public string? ForceCallerId { get; set; }

    /// <summary>
    /// Where calls from this trunk come from: IP addresses or CIDR blocks (<c>192.0.2.0/24</c>). An INVITE from one of
    /// them is the trunk's: its P-Asserted-Identity is believed (<see cref="TrustCallerId"/>) and, with
    /// <c>Ncco:Sip:RequireAuthentication</c>, it needs no digest. Default: the address of <see cref="Address"/> when it
    /// is an IP address, else none (list the carrier's signalling addresses).
    /// </summary>
    public List<string> Sources { get; set; } = [];

    /// <summary>
    /// Where this trunk puts the number the caller dialled: <c>request-uri</c> (default), <c>to</c>, <c>diversion</c>
    /// or <c>history-info</c> (for trunks that send calls to the registered contact and name the number elsewhere).
    /// </summary>
    public string DialledNumber { get; set; } = "request-uri";

    /// <summary>
    /// Country calling code (digits, e.g. <c>44</c>) for national numbers (<c>07700900123</c>) this trunk sends;
    /// default <c>Ncco:Sip:DefaultCountryCode</c>.
    /// </summary>
    public string? CountryCode { get; set; }

    /// <summary>Take the caller from P-Asserted-Identity / Remote-Party-ID on calls from this trunk. Default true.</summary>
    public bool TrustCallerId { get; set; } = true;

    /// <summary>Send the caller id as P-Asserted-Identity (RFC 3325) on calls placed through this trunk. Default false.</summary>
    public bool SendAssertedIdentity { get; set; }

    /// <summary>
    /// Offer reliable provisional responses (<c>Supported: 100rel</c>, RFC 3262) on calls placed through this trunk.
    /// Default true; false for a carrier that mishandles the option. A reliable 18x is PRACKed either way.
    /// </summary>
    public bool Offer100Rel { get; set; } = true;

    /// <summary>
    /// Place calls through this trunk for any origin, not only authenticated ones. Default false: a call goes out only for
    /// the application's API (<c>POST /v1/calls</c>, the dashboard) or for a <c>connect</c> in the NCCO of a call that came
    /// in authenticated (from a trunk's <see cref="Sources"/>, a digest-authenticated softphone user, a signed-in Client SDK
    /// user) — else anyone who can reach the SIP port could dial out at the account's cost through an application that
    /// connects its callers onwards. A refused call is <c>rejected</c>/<c>restricted</c>, logged and counted
    /// (<c>ncco_calls_refused_total{reason="unauthenticated_origin"}</c>).
    /// </summary>
    public bool AllowUnauthenticatedOrigins { get; set; }

    /// <summary>SRTP with this trunk, for calls from its sources and through it: <c>off</c>, <c>offer</c> or <c>require</c>
    /// (as <see cref="SipOptions.Srtp"/>); default that setting.</summary>
    public string? Srtp { get; set; }

    /// <summary>Codecs for calls from and through the trunk, most preferred first (as <see cref="SipOptions.Codecs"/>); empty for that setting.</summary>
    public List<string> Codecs { get; set; } = [];

    /// <summary>A Privacy header value (RFC 3323: <c>id</c>, <c>none</c>, <c>header;id</c>…) sent on calls through this trunk; none when empty.</summary>
    public string? Privacy { get; set; }
}
