using Ncco.Sip.Auth;
using Ncco.Sip.Messages;

namespace Ncco.Sip.Dialogs;

/// <summary>Settings of the UA core.</summary>
public sealed record SipUserAgentOptions
{
    /// <summary>User part of our Contact and default From.</summary>
    public string User { get; init; } = "ncco";

    /// <summary>Value of User-Agent (requests) and Server (responses).</summary>
    public string Product { get; init; } = "Ncco";

    /// <summary>Smallest session interval we accept (RFC 4028 Min-SE); requests below get 422.</summary>
    public TimeSpan MinSessionExpires { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Credentials for answering 401/407 challenges from trunks, or null.</summary>
    public DigestCredentials? Credentials { get; init; }

    /// <summary>When set, REGISTER requests are served by this registrar (otherwise they get 405).</summary>
    public Registration.SipRegistrar? Registrar { get; init; }

    /// <summary>When set, incoming INVITEs must carry valid digest credentials (server side of digest auth).</summary>
    public DigestAuthenticator? Authenticator { get; init; }

    /// <summary>
    /// Which INVITEs <see cref="Authenticator"/> challenges; null challenges all. A host that takes unauthenticated calls
    /// from trunks but not from its own softphone users challenges only INVITEs whose From names such a user. A caller
    /// that authenticates must do so as the user its From names, else 403: a user's password never vouches for another's From.
    /// </summary>
    public Func<SipRequest, bool>? AuthenticateInvite { get; init; }

    /// <summary>
    /// As <see cref="AuthenticateInvite"/>, also given where the INVITE came from (so calls from a trusted trunk's
    /// addresses can pass unchallenged while everyone else must authenticate); used instead of it when set.
    /// </summary>
    public Func<SipRequest, Ncco.Sip.Transport.SipEndPoint, bool>? AuthenticateInviteFrom { get; init; }

    /// <summary>
    /// Whether this UA takes new calls now; null means always. While it answers false, out-of-dialog OPTIONS get
    /// <c>503 Service Unavailable</c> instead of <c>200</c>, so a SIP front probing its nodes with OPTIONS (Kamailio's
    /// dispatcher) stops sending it calls while it drains. OPTIONS inside a dialog are always answered 200.
    /// </summary>
    public Func<bool>? TakesNewCalls { get; init; }

    /// <summary>
    /// Where new incoming calls go instead of <see cref="SipUserAgent.AcceptAsync"/>'s queue: called on the thread that
    /// read the INVITE (a transport's receive thread), one call at a time in arrival order, so it must only hand the call
    /// on (to the thread pool, a queue) and return. Unlike a reader of the queue, nothing waits for a thread-pool thread
    /// before the call is seen, which is what a busy pool makes a new call's setup wait for. Null: calls queue for
    /// <see cref="SipUserAgent.AcceptAsync"/>.
    /// </summary>
    public Action<IncomingCall>? IncomingCallHandler { get; init; }

    /// <summary>
    /// How long the application has to accept or refuse a REFER (<see cref="SipCall.Transfers"/>) before the stack refuses
    /// it with <c>403 Transfer Not Handled</c>; well inside the peer's 32 s transaction timeout.
    /// </summary>
    public TimeSpan ReferDecisionTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the implicit subscription of an accepted REFER lasts without a final status (RFC 3515 §2.4.4).</summary>
    public TimeSpan ReferSubscriptionLifetime { get; init; } = TimeSpan.FromSeconds(120);
}
