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
}
