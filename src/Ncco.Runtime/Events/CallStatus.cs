namespace Ncco.Events;

/// <summary>Call status values as they appear in the <c>status</c> field of event webhooks (reference §2.3).</summary>
public static class CallStatus
{
    /// <summary>Leg created.</summary>
    public const string Started = "started";
    /// <summary>Destination ringing.</summary>
    public const string Ringing = "ringing";
    /// <summary>Answered.</summary>
    public const string Answered = "answered";
    /// <summary>Destination busy.</summary>
    public const string Busy = "busy";
    /// <summary>Originator cancelled before answer.</summary>
    public const string Cancelled = "cancelled";
    /// <summary>Unreachable or declined.</summary>
    public const string Unanswered = "unanswered";
    /// <summary>Websocket closed by the application.</summary>
    public const string Disconnected = "disconnected";
    /// <summary>Rejected before connect.</summary>
    public const string Rejected = "rejected";
    /// <summary>Outbound could not connect.</summary>
    public const string Failed = "failed";
    /// <summary>AMD verdict: a person answered.</summary>
    public const string Human = "human";
    /// <summary>AMD verdict: a machine answered.</summary>
    public const string Machine = "machine";
    /// <summary>Ringing exceeded the ringing timer / connect timeout.</summary>
    public const string Timeout = "timeout";
    /// <summary>Leg over.</summary>
    public const string Completed = "completed";

    /// <summary>True for statuses after which the leg is over.</summary>
    public static bool IsFinal(string status) => status is Busy or Cancelled or Unanswered or Rejected or Failed or Timeout or Completed;
}

/// <summary>Who ended a leg (the <c>disconnected_by</c> field).</summary>
public static class DisconnectedBy
{
    /// <summary>The platform (NCCO finished, hangup by REST, limit reached…).</summary>
    public const string Platform = "platform";
    /// <summary>The party hung up.</summary>
    public const string User = "user";
}
