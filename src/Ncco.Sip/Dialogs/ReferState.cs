namespace Ncco.Sip.Dialogs;

/// <summary>Where a REFER (<see cref="SipRefer"/>) stands, from the notifier's side (RFC 3515, RFC 6665).</summary>
public enum ReferState
{
    /// <summary>Received; neither accepted nor refused yet.</summary>
    Pending,

    /// <summary>Accepted with 202; NOTIFYs report the referred call's progress.</summary>
    Active,

    /// <summary>Refused with a final response; no subscription was made.</summary>
    Rejected,

    /// <summary>Over: the final status was reported, the subscription expired, the peer refused a NOTIFY, or the call ended.</summary>
    Terminated,
}
