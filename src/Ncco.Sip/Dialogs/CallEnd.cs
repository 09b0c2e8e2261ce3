namespace Ncco.Sip.Dialogs;

/// <summary>Why a call ended.</summary>
public enum CallEndReason
{
    /// <summary>We sent BYE (or CANCEL, or rejected).</summary>
    LocalHangup,
    /// <summary>The peer sent BYE.</summary>
    RemoteHangup,
    /// <summary>The caller cancelled before the answer (we answered 487).</summary>
    Cancelled,
    /// <summary>The callee answered with a failure (busy, decline, not found…); see the status code.</summary>
    Rejected,
    /// <summary>No answer or no ACK in time (408).</summary>
    Timeout,
    /// <summary>The session timer ran out without a refresh (RFC 4028).</summary>
    SessionExpired,
    /// <summary>The transport failed.</summary>
    TransportFailure,
    /// <summary>The offer could not be answered (488).</summary>
    MediaNegotiationFailed,
}

/// <summary>How a call ended.</summary>
/// <param name="Reason">Why.</param>
/// <param name="StatusCode">The SIP status involved, when there is one (486, 487, 408…).</param>
public sealed record CallEnd(CallEndReason Reason, int? StatusCode = null);
