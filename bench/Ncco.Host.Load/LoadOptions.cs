namespace Ncco.Host.Load;

/// <summary>What one bench run does; every phase is bounded by both a request count and a duration.</summary>
internal sealed record LoadOptions
{
    /// <summary>A running host to measure instead of starting one in-process (then ApiKey/ApiSecret are needed).</summary>
    public Uri? Url { get; init; }

    public string? ApiKey { get; init; }

    public string? ApiSecret { get; init; }

    /// <summary>Concurrent HTTP workers of the GET phase.</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Most GET /v1/calls/{uuid} requests per GET phase (the fresh-token phase pre-mints one JWT each).</summary>
    public int Requests { get; init; } = 10_000;

    /// <summary>How many times the fresh-token and reused-token GET phases run, alternating.</summary>
    public int Rounds { get; init; } = 1;

    /// <summary>Concurrent HTTP workers of the POST phase.</summary>
    public int CreateConcurrency { get; init; } = 8;

    /// <summary>Most POST /v1/calls requests.</summary>
    public int Creates { get; init; } = 500;

    /// <summary>Upper bound of each phase.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The NCCO of created calls; null for a short talk.</summary>
    public string? Ncco { get; init; }

    /// <summary>Seconds of each wrk phase (0: no wrk phases); wrk runs out of process, after the HttpClient phases.</summary>
    public int WrkSeconds { get; init; }

    /// <summary>wrk threads (<c>-t</c>); its connections are <see cref="Concurrency"/>.</summary>
    public int WrkThreads { get; init; } = 2;

    /// <summary>Only the reused-token wrk phase (nothing to mint; for profiling the host under wrk).</summary>
    public bool WrkReusedOnly { get; init; }

    /// <summary>Sample allocations by type during the reused-token wrk phases (<see cref="AllocationSampler"/>).</summary>
    public bool AllocationProfile { get; init; }

    /// <summary>The <c>to</c> endpoint of created calls; null for the host's demo echo bot.</summary>
    public string? To { get; init; }

    /// <summary>
    /// Seconds of a steady window after the POST phase with no HTTP load (0: none): late media ticks, CPU and RSS while
    /// the created calls stay up.
    /// </summary>
    public int HoldSeconds { get; init; }

    /// <summary>Start <see cref="EchoApp"/> as a child process and call it (unless <see cref="To"/> is given).</summary>
    public bool EchoAppProcess { get; init; }

    /// <summary>A WebSocket application's process whose CPU the hold window reports (0: none; the echo app's own when started).</summary>
    public int AppPid { get; init; }
}
