using Ncco.Sip.Messages;

namespace Ncco.Sip.Dialogs;

/// <summary>How to place an outbound call.</summary>
public sealed record OutgoingCallOptions
{
    /// <summary>Our From address; defaults to <c>sip:{User}@{advertised host}</c>.</summary>
    public NameAddress? From { get; init; }

    /// <summary>Extra headers for the INVITE (X- headers, User-to-User, P-Asserted-Identity…).</summary>
    public IReadOnlyList<SipHeader> Headers { get; init; } = [];

    /// <summary>Send CANCEL if nobody answers within this time (Vonage <c>timeout</c>); null waits for the far end.</summary>
    public TimeSpan? RingTimeout { get; init; }

    /// <summary>
    /// Credentials for a 401/407 on this call, overriding <see cref="SipUserAgentOptions.Credentials"/>: one UA serves
    /// several trunks, each with its own account.
    /// </summary>
    public Auth.DigestCredentials? Credentials { get; init; }
}
