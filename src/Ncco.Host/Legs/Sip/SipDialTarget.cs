using Ncco.Sip.Auth;
using Ncco.Sip.Messages;

namespace Ncco.Host.Legs.Sip;

/// <summary>What an outbound <see cref="SipLeg"/> sends: worked out by the gateway from a <c>sip</c> or <c>phone</c> endpoint.</summary>
/// <param name="Uri">The request URI; null when the endpoint cannot be dialled (the leg fails with <see cref="Failure"/>).</param>
/// <param name="Failure">The <c>failed</c> detail when <paramref name="Uri"/> is null.</param>
internal sealed record SipDialTarget(SipUri? Uri, string Failure = "cannot_route")
{
    /// <summary>Extra INVITE headers (X- and User-to-User).</summary>
    public IReadOnlyList<SipHeader> Headers { get; init; } = [];

    /// <summary>The preloaded route set: a registered phone's <c>Path</c> (RFC 3327), empty for a direct request.</summary>
    public IReadOnlyList<NameAddress> Route { get; init; } = [];

    /// <summary>Our From, or null for the stack's default.</summary>
    public NameAddress? From { get; init; }

    /// <summary>Credentials for the callee's (trunk's) digest challenges.</summary>
    public DigestCredentials? Credentials { get; init; }

    /// <summary>Keys sent as RFC 4733 events once answered (<c>dtmfAnswer</c>; <c>p</c> pauses 500 ms).</summary>
    public string? DtmfAnswer { get; init; }

    /// <summary>Whether the INVITE offers <c>Supported: 100rel</c> (the trunk's <see cref="SipTrunk.Offer100Rel"/>; always for sip endpoints).</summary>
    public bool Offer100Rel { get; init; } = true;

    /// <summary>The trunk it goes through, for logs; null for a direct <c>sip</c> endpoint.</summary>
    public string? Trunk { get; init; }

    /// <summary>The <see cref="Failure"/> of a call a trunk refuses to place (reported as <c>rejected</c>/<c>restricted</c>).</summary>
    public const string RestrictedDetail = "restricted";
}
