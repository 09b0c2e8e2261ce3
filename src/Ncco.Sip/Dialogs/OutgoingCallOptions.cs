using Ncco.Sip.Messages;

namespace Ncco.Sip.Dialogs;

/// <summary>How to place an outbound call.</summary>
public sealed record OutgoingCallOptions
{
    /// <summary>Our From address; defaults to <c>sip:{User}@{advertised host}</c>.</summary>
    public NameAddress? From { get; init; }

    /// <summary>
    /// A preloaded route set (RFC 3261 §8.1.2), such as a registered phone's <c>Path</c> (RFC 3327): the INVITE carries
    /// these as <c>Route</c> headers, in order, and is sent to the first one instead of the request URI. The proxies are
    /// taken as loose routers (<c>;lr</c>), as RFC 3327 proxies are. Empty sends the INVITE to the request URI.
    /// </summary>
    public IReadOnlyList<NameAddress> Route { get; init; } = [];

    /// <summary>Extra headers for the INVITE (X- headers, User-to-User, P-Asserted-Identity…).</summary>
    public IReadOnlyList<SipHeader> Headers { get; init; } = [];

    /// <summary>Send CANCEL if nobody answers within this time (Vonage <c>timeout</c>); null waits for the far end.</summary>
    public TimeSpan? RingTimeout { get; init; }

    /// <summary>
    /// Credentials for a 401/407 on this call, overriding <see cref="SipUserAgentOptions.Credentials"/>: one UA serves
    /// several trunks, each with its own account.
    /// </summary>
    public Auth.DigestCredentials? Credentials { get; init; }

    /// <summary>
    /// Say <c>Supported: 100rel</c> (RFC 3262) in the INVITE, so the callee may send its provisional responses reliably.
    /// Default true. A reliable provisional response (<c>Require: 100rel</c> with an <c>RSeq</c>) is PRACKed whatever this
    /// says: some trunks send them unasked, and refusing to acknowledge would only make them fail the call.
    /// </summary>
    public bool OfferReliableProvisional { get; init; } = true;
}
