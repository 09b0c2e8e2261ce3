namespace Ncco.Host.Operations;

/// <summary>
/// Who may read the operator endpoints from other machines (<c>Ncco:RemoteAccess</c>). On loopback <c>/metrics</c> and
/// <c>/openapi/v1.json</c> answer anyone, as a developer expects; a request that reached the host on any other address
/// must sign in with the account's API key and secret (<c>Authorization: Basic</c>, as Prometheus' <c>basic_auth</c>
/// scrape setting sends), unless the endpoint is opened here. The health probes stay open everywhere: load balancers
/// call them without credentials and they reveal only up/down.
/// </summary>
public sealed class RemoteAccessOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Ncco:RemoteAccess";

    /// <summary>Serve <c>/metrics</c> without credentials on every address (a scraper on a trusted network). Default false.</summary>
    public bool AnonymousMetrics { get; set; }

    /// <summary>Serve <c>/openapi/v1.json</c> without credentials on every address. Default false.</summary>
    public bool AnonymousOpenApi { get; set; }
}
