namespace Ncco.Host.Legs.Sip;

/// <summary>Where a trunk puts the number the caller dialled (<see cref="SipTrunkOptions.DialledNumber"/>).</summary>
public enum DialledNumberSource
{
    /// <summary>The Request-URI's user part (most trunks and PBXs).</summary>
    RequestUri,

    /// <summary>The To header's URI (trunks that send the INVITE to the registered contact, with the number in To).</summary>
    To,

    /// <summary>The first Diversion header (RFC 5806; a call forwarded to the host).</summary>
    Diversion,

    /// <summary>The first History-Info entry (RFC 7044; a call retargeted to the host).</summary>
    HistoryInfo,
}
