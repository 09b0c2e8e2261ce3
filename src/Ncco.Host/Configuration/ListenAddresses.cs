using System.Net;

namespace Ncco.Host.Configuration;

/// <summary>
/// Where the host is configured to listen, read before it starts (<c>urls</c> / <c>ASPNETCORE_URLS</c> / <c>--urls</c>,
/// <c>http_ports</c> / <c>https_ports</c>, <c>Kestrel:Endpoints:*:Url</c>), and whether a request arrived on loopback.
/// Used to keep what a developer wants open on their machine closed when the host faces a network.
/// </summary>
public static class ListenAddresses
{
    /// <summary>
    /// True when any configured listen address is reachable from other machines: a wildcard (<c>*</c>, <c>+</c>,
    /// <c>0.0.0.0</c>, <c>[::]</c>), a non-loopback address, a host name other than <c>localhost</c> (Kestrel binds those
    /// on every interface), or <c>http_ports</c>/<c>https_ports</c> (every interface). Nothing configured means
    /// Kestrel's default, <c>http://localhost:5000</c>: loopback.
    /// </summary>
    public static bool AnyRemote(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrWhiteSpace(configuration["http_ports"]) || !string.IsNullOrWhiteSpace(configuration["https_ports"])) return true;
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        return urls.Any(url => !IsLoopbackUrl(url));
    }

    /// <summary>True when <paramref name="url"/> (<c>http://127.0.0.1:8080</c>, <c>http://*:80</c>…) binds loopback only.</summary>
    public static bool IsLoopbackUrl(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var rest = url.Contains("://", StringComparison.Ordinal) ? url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..] : url;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0) rest = rest[..slash];
        string host;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            host = close > 0 ? rest[1..close] : rest;
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            host = colon >= 0 ? rest[..colon] : rest;
        }
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>
    /// True when <paramref name="http"/> reached the host on a loopback address (or in-process, as on a test server,
    /// which nothing outside the process can reach).
    /// </summary>
    public static bool ArrivedOnLoopback(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var local = http.Connection.LocalIpAddress;
        return local is null || IPAddress.IsLoopback(local) || (local.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(local.MapToIPv4()));
    }
}
