namespace Ncco.Host.Legs;

/// <summary>
/// One entry of the endpoint-type → transport map, as registered in the service collection by
/// <see cref="LegTransportServiceCollectionExtensions.AddNccoLegTransport{TTransport}(IServiceCollection, string)"/> or
/// <see cref="LegTransportServiceCollectionExtensions.ReplaceNccoLegTransport{TTransport}(IServiceCollection, string)"/>
/// (the only ways to make one). <see cref="LegTransportMap"/> reads them all.
/// </summary>
public sealed class LegTransportRegistration
{
    private readonly Func<IServiceProvider, ILegTransportFactory> _create;

    internal LegTransportRegistration(string endpointType, Type transportType, bool replaces, Func<IServiceProvider, ILegTransportFactory> create)
    {
        EndpointType = endpointType;
        TransportType = transportType;
        Replaces = replaces;
        _create = create;
    }

    /// <summary>The endpoint type served (<c>websocket</c>, <c>sip</c>, <c>app</c>, <c>phone</c> or <c>vbc</c>).</summary>
    public string EndpointType { get; }

    /// <summary>The transport's type (named in conflict errors and in the startup log).</summary>
    public Type TransportType { get; }

    /// <summary>True when registered with <c>ReplaceNccoLegTransport</c>: it takes the endpoint type from an added transport.</summary>
    public bool Replaces { get; }

    internal ILegTransportFactory Create(IServiceProvider services) => _create(services);

    /// <inheritdoc />
    public override string ToString() => $"{EndpointType} → {TransportType.FullName}{(Replaces ? " (replacing)" : "")}";
}
