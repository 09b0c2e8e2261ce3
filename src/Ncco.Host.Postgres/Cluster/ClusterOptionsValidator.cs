using Microsoft.Extensions.Options;
using Ncco.Host.Configuration;

namespace Ncco.Host.Postgres.Cluster;

/// <summary>
/// The rules of <see cref="ClusterOptions"/>, checked at start when the store is PostgreSQL (a single SQLite node has
/// no cluster, so an odd machine name never stops it); each failure names its key.
/// </summary>
internal sealed class ClusterOptionsValidator(IOptions<NccoHostOptions> host) : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (host.Value.Store.Provider != StoreProvider.Postgres) return ValidateOptionsResult.Skip;
        var failures = new List<string>();
        var id = options.EffectiveNodeId;
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            failures.Add($"Ncco:Cluster:NodeId '{id}' is not valid: it must be 1–64 letters, digits, '.', '_' or '-'{(string.IsNullOrWhiteSpace(options.NodeId) ? " (it defaults to the machine name; set it)" : "")}.");
        if (options.InternalUrl is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            failures.Add($"Ncco:Cluster:InternalUrl '{url}' is not valid: it must be an absolute http or https URL.");
        if (options.SipUri is { Length: > 0 } sip && !IsHostPortSipUri(sip))
            failures.Add($"Ncco:Cluster:SipUri '{sip}' is not valid: it must be sip:host:port or sips:host:port, with no user part or parameters.");
        if (options.HeartbeatInterval < TimeSpan.FromMilliseconds(50))
            failures.Add($"Ncco:Cluster:HeartbeatInterval is {options.HeartbeatInterval}: it must be at least 00:00:00.050 (default 00:00:02).");
        if (options.HandoffLifetime < TimeSpan.FromSeconds(1) || options.HandoffLifetime > TimeSpan.FromMinutes(10))
            failures.Add($"Ncco:Cluster:HandoffLifetime is {options.HandoffLifetime}: it must be between 1 second and 10 minutes.");
        if (options.DeadAfter < options.HeartbeatInterval * 2)
            failures.Add($"Ncco:Cluster:DeadAfter is {options.DeadAfter}: it must be at least twice Ncco:Cluster:HeartbeatInterval ({options.HeartbeatInterval}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHostPortSipUri(string uri)
    {
        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || uri[..colon] is not ("sip" or "sips")) return false;
        var rest = uri[(colon + 1)..];
        if (rest.IndexOfAny(['@', ';', '?', '<', '>', ',', ' ']) >= 0) return false;
        return Uri.TryCreate("udp://" + rest, UriKind.Absolute, out var parsed) && parsed.Port > 0 && parsed.AbsolutePath == "/" && !string.IsNullOrEmpty(parsed.Host);
    }
}
