namespace Ncco.Host.Calls;

/// <summary>Stores call legs and their event history. SQLite is the default; PostgreSQL implements the same contract.</summary>
public interface ICallRepository
{
    /// <summary>Inserts or replaces calls and appends events, all in one transaction.</summary>
    Task WriteAsync(IReadOnlyList<CallRecord> calls, IReadOnlyList<CallEventRecord> events, CancellationToken cancellationToken);

    /// <summary>The call, or null.</summary>
    Task<CallRecord?> FindAsync(string uuid, CancellationToken cancellationToken);

    /// <summary>One page of an application's calls matching <paramref name="query"/>, and how many match in all.</summary>
    Task<(IReadOnlyList<CallRecord> Items, int Total)> ListAsync(string applicationId, CallQuery query, CancellationToken cancellationToken);

    /// <summary>The events of a call, oldest first.</summary>
    Task<IReadOnlyList<CallEventRecord>> EventsAsync(string uuid, CancellationToken cancellationToken);

    /// <summary>Every call without an end time: at start, the calls a previous run left live (it crashed or was killed).</summary>
    Task<IReadOnlyList<CallRecord>> ListUnfinishedAsync(CancellationToken cancellationToken);

    /// <summary>The time of the newest thing stored (a call created or an event): when the previous run was last known alive.</summary>
    Task<DateTimeOffset?> LastActivityAsync(CancellationToken cancellationToken);
}

/// <summary>Filters and paging of <c>GET /v1/calls</c>.</summary>
public sealed record CallQuery
{
    /// <summary>Only calls whose last status is this.</summary>
    public string? Status { get; init; }

    /// <summary>Only calls created at or after this.</summary>
    public DateTimeOffset? DateStart { get; init; }

    /// <summary>Only calls created at or before this.</summary>
    public DateTimeOffset? DateEnd { get; init; }

    /// <summary>Only calls of this conversation.</summary>
    public string? ConversationUuid { get; init; }

    /// <summary>Items per page (1–100, default 10).</summary>
    public int PageSize { get; init; } = 10;

    /// <summary>Offset of the first item.</summary>
    public int RecordIndex { get; init; }

    /// <summary>Oldest first (default) or newest first.</summary>
    public bool Descending { get; init; }

    /// <summary>
    /// Leave out legs that ended before this (the application's <c>leg_persistence_time</c> has passed for them);
    /// legs still in progress are always listed.
    /// </summary>
    public DateTimeOffset? EndedNotBefore { get; init; }
}

/// <summary>One thing that happened to a call: a status event or another webhook payload sent for it.</summary>
/// <param name="CallUuid">The leg.</param>
/// <param name="At">When.</param>
/// <param name="Kind">The status (<c>answered</c>…) or payload kind (<c>input</c>, <c>record</c>, <c>transfer</c>…).</param>
/// <param name="Payload">The JSON sent to the application, or null when the application has no event webhook.</param>
public sealed record CallEventRecord(string CallUuid, DateTimeOffset At, string Kind, string? Payload);
