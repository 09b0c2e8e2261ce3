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
}
