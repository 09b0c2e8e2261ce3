namespace Ncco.Legs;

/// <summary>
/// Who asked for an outbound leg (<see cref="OutboundLegRequest.Origin"/>), so a transport can decide whether to place
/// it: a SIP trunk places calls only for an authenticated origin, or an application reachable by anyone who can send an
/// INVITE would become a path to dial premium numbers at the account's cost (toll fraud).
/// </summary>
/// <param name="Kind">A call created through the application's API, or a <c>connect</c> in the NCCO of another leg.</param>
/// <param name="ApplicationId">The application whose VM asks.</param>
/// <param name="Authenticated">
/// True for an API call (its request was authenticated) and for a <c>connect</c> from a leg whose caller was
/// authenticated (<see cref="Calls.InboundCall.Authenticated"/>) or that was itself placed for an authenticated origin.
/// </param>
/// <param name="Via">How the origin reached the host, for logs and refusals: <c>api</c>, or what the inbound call's
/// transport said (<c>trunk:carrier</c>, <c>sip-user:alice</c>, <c>sip:192.0.2.7</c>, <c>app:alice</c>…).</param>
public sealed record LegOrigin(LegOriginKind Kind, string ApplicationId, bool Authenticated, string Via)
{
    /// <summary>The leg whose NCCO asked, for <see cref="LegOriginKind.Call"/>; null for an API call.</summary>
    public string? ParentLegId { get; init; }
}

/// <summary>What kind of request created an outbound leg.</summary>
public enum LegOriginKind
{
    /// <summary>A call created through the application's control API (the REST <c>POST /v1/calls</c>, the dashboard).</summary>
    Api,

    /// <summary>A <c>connect</c> in the NCCO of another leg of the application.</summary>
    Call,
}
