using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Ncco.Host.Configuration;

/// <summary>
/// The base URL applications reach this host at: <c>Ncco:PublicUrl</c> when set, else the first address the host
/// listens on (a wildcard host becomes 127.0.0.1, so <c>--urls http://0.0.0.0:0</c> still works on this machine), else
/// <c>http://127.0.0.1:8080</c>. The Voice API (<c>region_url</c>, <c>recording_url</c>) and the demo share it.
/// </summary>
public sealed class HostPublicUrl(IOptions<NccoHostOptions> options, IServiceProvider services)
{
    /// <summary>Used when nothing is configured and the host is not listening yet.</summary>
    public const string Default = "http://127.0.0.1:8080";

    /// <summary>The base URL, without a trailing slash.</summary>
    public string Resolve()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.PublicUrl)) return options.Value.PublicUrl.TrimEnd('/');
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        var listening = addresses?.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? addresses?.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
        if (listening is null) return Default;
        var uri = new UriBuilder(listening.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::" or "localhost") uri.Host = "127.0.0.1";
        return uri.Uri.ToString().TrimEnd('/');
    }
}
