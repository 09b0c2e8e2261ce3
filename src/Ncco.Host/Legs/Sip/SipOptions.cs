namespace Ncco.Host.Legs.Sip;

/// <summary>
/// The SIP gateway, bound from <c>Ncco:Sip</c> (for example <c>Ncco__Sip__Listen=0.0.0.0:5060</c>). Checked at startup
/// by <see cref="SipSettings.From"/>: a bad value stops the host with an error naming the setting.
/// </summary>
public sealed class SipOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Ncco:Sip";

    /// <summary>Run the SIP gateway (SIP over UDP and TCP, RTP media). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Address and port SIP listens on, UDP and TCP alike (port 0 picks a free one). Default <c>127.0.0.1:5060</c>.</summary>
    public string Listen { get; set; } = "127.0.0.1:5060";

    /// <summary>
    /// The address peers reach this host at, written in Via, Contact and SDP (the public address behind NAT). Default:
    /// the listen address (127.0.0.1 when listening on every address).
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>First port of the RTP range (RTP on even ports, RTCP on the next). Default 10000.</summary>
    public int RtpPortFirst { get; set; } = 10000;

    /// <summary>Last port of the RTP range. Default 20000.</summary>
    public int RtpPortLast { get; set; } = 20000;

    /// <summary>
    /// Codecs offered and accepted, most preferred first: any of <c>PCMU</c>, <c>PCMA</c>, <c>G722</c>, <c>OPUS</c>
    /// (case-insensitive). Default PCMU, PCMA, G722: Opus is opt-in for its CPU cost. Our offers list them in this order; as
    /// answerer the offerer's order decides among them (RFC 3264 §6.1). A trunk's own <c>Codecs</c> replaces the list
    /// for calls from and through it.
    /// </summary>
    public List<string> Codecs { get; set; } = [];

    /// <summary>Offer and accept RFC 4733 telephone-event (payload type 101 in our offers). Default true.</summary>
    public bool TelephoneEvents { get; set; } = true;

    /// <summary>
    /// Which application answers an inbound INVITE: the user part of the request URI (a number or a user name) → the
    /// application id. The demo application also owns <see cref="DemoUser"/> while the demo is enabled.
    /// </summary>
    public Dictionary<string, string> Routes { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The user (or number) the built-in demo application answers when not routed otherwise. Default <c>demo</c>.</summary>
    public string DemoUser { get; set; } = "demo";

    /// <summary>
    /// SIP trunks that <c>phone</c> endpoints are dialled through, tried in order (<see cref="SipTrunkOptions"/>). None by
    /// default: <c>phone</c> endpoints then fail with <c>cannot_route</c>.
    /// </summary>
    public List<SipTrunkOptions> Trunks { get; set; } = [];

    /// <summary>
    /// Softphone users (<see cref="SipUserOptions"/>) by name. When any is set, the host's registrar takes their
    /// digest-authenticated REGISTERs, their INVITEs (From naming them) are challenged, and a <c>sip</c> endpoint
    /// <c>sip:{user}@{Domain}</c> rings their registered phone.
    /// </summary>
    public Dictionary<string, SipUserOptions> Users { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The host's SIP domain: the digest realm, and the host part that makes a <c>sip</c> endpoint mean a registered user. Default: the advertised address.</summary>
    public string? Domain { get; set; }

    /// <summary>
    /// Digest algorithms offered to users, one challenge each, in this order: <c>MD5</c> and/or <c>SHA-256</c>. Default
    /// MD5 then SHA-256, because many phones (and SIPp) read only the first challenge and know only MD5.
    /// </summary>
    public List<string> DigestAlgorithms { get; set; } = [];

    /// <summary>SIP over TLS (<see cref="SipTlsListenerOptions"/>); off by default.</summary>
    public SipTlsListenerOptions Tls { get; set; } = new();

    /// <summary>
    /// Country calling code (digits, e.g. <c>44</c>) that national numbers (<c>07700900123</c>) in calls to the host
    /// belong to; numbers are then matched and reported as E.164 (<c>447700900123</c>). None by default: a national
    /// number stays as dialled. A trunk's <c>CountryCode</c> overrides it for its calls.
    /// </summary>
    public string? DefaultCountryCode { get; set; }

    /// <summary>
    /// Refuse (with a digest challenge) INVITEs from anyone but the trunks' <c>Sources</c> unless they authenticate as
    /// one of <see cref="Users"/>. Default false: any peer that reaches the SIP port may call the routed numbers.
    /// </summary>
    public bool RequireAuthentication { get; set; }

    /// <summary>
    /// SRTP (SDES, RFC 4568; <c>AES_CM_128_HMAC_SHA1_80</c>) for peers that are not a trunk: <c>off</c> (default: plain
    /// RTP; an <c>RTP/SAVP</c> offer gets 488), <c>offer</c> (answer an offer with <c>a=crypto</c> with SRTP; our offers
    /// carry a key in <c>RTP/AVP</c>), or <c>require</c> (no call without SRTP; our offers are <c>RTP/SAVP</c>). A trunk
    /// has its own (<see cref="SipTrunkOptions.Srtp"/>). SDES keys travel in the SDP: use TLS signalling (<c>sips:</c>)
    /// wherever the signalling path is not trusted.
    /// </summary>
    public string Srtp { get; set; } = "off";
}
