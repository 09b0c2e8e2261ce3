using Ncco.Legs;
using Ncco.Model.Endpoints;
using Ncco.Webhooks;

namespace Ncco.Host.Legs;

/// <summary>
/// The host's endpoint-type → leg transport map, built from every <see cref="LegTransportRegistration"/> in the
/// service collection: <c>websocket</c> (<c>AddNccoWebSockets</c>), <c>sip</c> and, with trunks, <c>phone</c>
/// (<c>AddNccoSip</c>), <c>app</c> (<c>AddNccoBrowserPhone</c>), and any of yours. <see cref="CreateDialer"/> gives each
/// application's VM its <see cref="ILegDialer"/>; an endpoint type nobody registered fails at once with
/// <c>failed</c>/<c>cannot_route</c>.
/// </summary>
/// <remarks>
/// Registration order never matters: one endpoint type has one transport. Two transports added for one type are a
/// startup error (<see cref="InvalidOperationException"/> from the second registration); to put your own transport in
/// place of a built-in one, register it with <c>ReplaceNccoLegTransport</c>, which wins whichever is registered first
/// (two replacements for one type are an error too). The same transport registered twice for a type counts once, so
/// each <c>AddNcco…</c> extension may be called more than once. Transports are resolved when the first VM is built (a
/// transport may depend on services that build VMs, like <see cref="Calls.VmDirectory"/>), then shared by all VMs.
/// </remarks>
public sealed class LegTransportMap
{
    private readonly IServiceProvider _services;
    private readonly ILogger _logger;
    private readonly IReadOnlyDictionary<string, LegTransportRegistration> _registrations;
    private readonly Lazy<IReadOnlyDictionary<string, ILegTransportFactory>> _transports;

    /// <summary>Builds the map from <paramref name="registrations"/>.</summary>
    /// <exception cref="InvalidOperationException">Two registrations claim one endpoint type.</exception>
    public LegTransportMap(IEnumerable<LegTransportRegistration> registrations, IServiceProvider services, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(loggers);
        _services = services;
        _logger = loggers.CreateLogger("Ncco.Host.Legs");
        _registrations = Select(registrations);
        _transports = new Lazy<IReadOnlyDictionary<string, ILegTransportFactory>>(Resolve);
    }

    /// <summary>The endpoint types that have a transport, in ordinal order.</summary>
    public IReadOnlyList<string> RoutableEndpointTypes => [.. _registrations.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The registration serving <paramref name="endpointType"/>, or null when that type is not routable.</summary>
    public LegTransportRegistration? RegistrationFor(string endpointType)
    {
        ArgumentNullException.ThrowIfNull(endpointType);
        return _registrations.GetValueOrDefault(endpointType);
    }

    /// <summary>The dialer of the VM serving <paramref name="application"/>: each leg goes to its endpoint type's transport.</summary>
    public ILegDialer CreateDialer(VoiceApplication application)
    {
        ArgumentNullException.ThrowIfNull(application);
        return new RoutingLegDialer(_transports.Value, new LegTransportContext(application), _logger);
    }

    /// <summary>Every endpoint type the NCCO model knows (a registration for anything else is a typo).</summary>
    internal static readonly IReadOnlyList<string> KnownEndpointTypes =
        [EndpointTypes.App, EndpointTypes.Phone, EndpointTypes.Sip, EndpointTypes.Vbc, EndpointTypes.WebSocket];

    /// <summary>
    /// The one registration per endpoint type: a replacement if there is one, else the added one. Duplicates of one
    /// transport count once; two different transports of the same kind for one type throw, naming both.
    /// </summary>
    internal static IReadOnlyDictionary<string, LegTransportRegistration> Select(IEnumerable<LegTransportRegistration> registrations)
    {
        var added = new Dictionary<string, LegTransportRegistration>(StringComparer.Ordinal);
        var replaced = new Dictionary<string, LegTransportRegistration>(StringComparer.Ordinal);
        foreach (var r in registrations)
        {
            var kind = r.Replaces ? replaced : added;
            if (kind.TryGetValue(r.EndpointType, out var existing) && existing.TransportType != r.TransportType)
            {
                throw new InvalidOperationException(r.Replaces
                    ? $"Endpoint type '{r.EndpointType}' is replaced twice, by {existing.TransportType.FullName} and by {r.TransportType.FullName}: "
                        + "one endpoint type has one transport, so keep one ReplaceNccoLegTransport call."
                    : $"Endpoint type '{r.EndpointType}' already has a leg transport ({existing.TransportType.FullName}); {r.TransportType.FullName} "
                        + "cannot be added for it too: one endpoint type has one transport. Use ReplaceNccoLegTransport to put yours in its place"
                        + (r.EndpointType is EndpointTypes.Sip or EndpointTypes.Phone ? ", or turn the SIP gateway off (Ncco:Sip:Enabled=false)." : "."));
            }
            kind.TryAdd(r.EndpointType, r);
        }
        foreach (var (type, r) in replaced) added[type] = r;
        return added;
    }

    private IReadOnlyDictionary<string, ILegTransportFactory> Resolve()
    {
        var transports = new Dictionary<string, ILegTransportFactory>(StringComparer.Ordinal);
        foreach (var (type, registration) in _registrations) transports[type] = registration.Create(_services);
        _logger.TransportMap(string.Join(", ", RoutableEndpointTypes.Select(t => $"{t} → {_registrations[t].TransportType.Name}")));
        return transports;
    }
}
