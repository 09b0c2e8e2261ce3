namespace Ncco.Host.Dashboard;

/// <summary>The dashboard and browser phone pages (<c>Ncco:Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Ncco:Dashboard";

    /// <summary>Serve <c>/dashboard</c>, <c>/phone</c> and their APIs. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Serve the dashboard to requests that reach the host on a non-loopback address too. Default false: even with
    /// <c>Urls</c> opened to the network, the dashboard answers only on loopback until this is set deliberately (its
    /// API still needs the API key and secret).
    /// </summary>
    public bool AllowRemote { get; set; }

    /// <summary>
    /// Legs whose call log the dashboard keeps in memory for its timeline (<c>Ncco:Dashboard:MaxCallLogs</c>): the oldest
    /// leg's log is forgotten first. Default 200; 1 to 100000. The dashboard's memory for logs is at most this times
    /// <see cref="MaxLogBytesPerLeg"/> (50 MiB by default).
    /// </summary>
    public int MaxCallLogs { get; set; } = 200;

    /// <summary>
    /// Entries kept per leg's log (<c>Ncco:Dashboard:MaxLogEntriesPerLeg</c>). Beyond it the oldest detail is dropped;
    /// the leg's first entry and its status changes (its start and its end) are always kept, and the timeline says how
    /// many entries were left out. Default 1000; 10 to 1000000.
    /// </summary>
    public int MaxLogEntriesPerLeg { get; set; } = 1000;

    /// <summary>
    /// Bytes kept per leg's log, as estimated from the text, payloads and response bodies held
    /// (<c>Ncco:Dashboard:MaxLogBytesPerLeg</c>): the same rule as <see cref="MaxLogEntriesPerLeg"/> for a leg whose
    /// webhooks answer large bodies. Each entry is cut to 4096 characters and each webhook response to its first 512
    /// bytes before it counts, so one hostile webhook cannot fill the budget alone. Default 262144 (256 KiB); 16384
    /// to 67108864.
    /// </summary>
    public long MaxLogBytesPerLeg { get; set; } = 256 * 1024;
}
