using Ncco.Sip.Messages;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Registration;

/// <summary>One registered contact of an address of record.</summary>
/// <param name="Contact">Where the user can be reached, as it registered it.</param>
/// <param name="ExpiresAt">When the binding lapses without a refresh.</param>
/// <param name="CallId">Call-ID of the REGISTER that made it (refreshes reuse it).</param>
/// <param name="CSeq">CSeq of that REGISTER, to refuse reordered ones.</param>
/// <param name="Source">Where the REGISTER came from: behind NAT, calls should go there rather than to the Contact.</param>
public sealed record SipBinding(SipUri Contact, DateTimeOffset ExpiresAt, string CallId, long CSeq, SipEndPoint Source)
{
    /// <summary>
    /// The REGISTER's <c>Path</c> entries in order (RFC 3327), empty when it had none: the proxies (a SIP front such as
    /// Kamailio) a request to <see cref="Contact"/> must pass, sent as its preloaded <c>Route</c> set. Without them a
    /// phone registered through a front would be called directly, which fails behind NAT or a firewall that only
    /// lets the front in.
    /// </summary>
    public IReadOnlyList<NameAddress> Path { get; init; } = [];
}
