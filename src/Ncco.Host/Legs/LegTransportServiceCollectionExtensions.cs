using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ncco.Host.Legs;

/// <summary>
/// Registers leg transports by endpoint type — the seam every transport goes through (<c>AddNccoWebSockets</c>,
/// <c>AddNccoSip</c>, <c>AddNccoBrowserPhone</c> call it), as Kestrel's transports register their listener factories.
/// See <see cref="LegTransportMap"/> for the rules: order does not matter, one transport per endpoint type.
/// </summary>
public static class LegTransportServiceCollectionExtensions
{
    /// <summary>
    /// Makes <typeparamref name="TTransport"/> (a singleton, resolved from the container when the first VM is built)
    /// place the legs of <paramref name="endpointType"/> endpoints. Registering one transport for several types uses one
    /// instance.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="endpointType"/> is not an NCCO endpoint type.</exception>
    /// <exception cref="InvalidOperationException">Another transport was already added for <paramref name="endpointType"/>.</exception>
    public static IServiceCollection AddNccoLegTransport<TTransport>(this IServiceCollection services, string endpointType)
        where TTransport : class, ILegTransportFactory
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<TTransport>();
        return Register(services, new LegTransportRegistration(Checked(endpointType), typeof(TTransport), replaces: false, sp => sp.GetRequiredService<TTransport>()));
    }

    /// <summary>Makes <paramref name="transport"/> place the legs of <paramref name="endpointType"/> endpoints.</summary>
    /// <exception cref="ArgumentException"><paramref name="endpointType"/> is not an NCCO endpoint type.</exception>
    /// <exception cref="InvalidOperationException">Another transport was already added for <paramref name="endpointType"/>.</exception>
    public static IServiceCollection AddNccoLegTransport(this IServiceCollection services, string endpointType, ILegTransportFactory transport)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(transport);
        return Register(services, new LegTransportRegistration(Checked(endpointType), transport.GetType(), replaces: false, _ => transport));
    }

    /// <summary>
    /// Makes <typeparamref name="TTransport"/> place the legs of <paramref name="endpointType"/> endpoints in place of the
    /// transport added for that type (a built-in one), whether that is registered before or after this call.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="endpointType"/> is not an NCCO endpoint type.</exception>
    /// <exception cref="InvalidOperationException">Another transport already replaces <paramref name="endpointType"/>.</exception>
    public static IServiceCollection ReplaceNccoLegTransport<TTransport>(this IServiceCollection services, string endpointType)
        where TTransport : class, ILegTransportFactory
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<TTransport>();
        return Register(services, new LegTransportRegistration(Checked(endpointType), typeof(TTransport), replaces: true, sp => sp.GetRequiredService<TTransport>()));
    }

    /// <summary>Makes <paramref name="transport"/> place the legs of <paramref name="endpointType"/> endpoints in place of the added one.</summary>
    /// <exception cref="ArgumentException"><paramref name="endpointType"/> is not an NCCO endpoint type.</exception>
    /// <exception cref="InvalidOperationException">Another transport already replaces <paramref name="endpointType"/>.</exception>
    public static IServiceCollection ReplaceNccoLegTransport(this IServiceCollection services, string endpointType, ILegTransportFactory transport)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(transport);
        return Register(services, new LegTransportRegistration(Checked(endpointType), transport.GetType(), replaces: true, _ => transport));
    }

    private static IServiceCollection Register(IServiceCollection services, LegTransportRegistration registration)
    {
        var existing = services
            .Where(d => d.ServiceType == typeof(LegTransportRegistration))
            .Select(d => d.ImplementationInstance)
            .OfType<LegTransportRegistration>()
            .ToList();
        // Checked here, at the registration that conflicts, so the stack trace points at it.
        LegTransportMap.Select([.. existing, registration]);
        services.TryAddSingleton<LegTransportMap>();
        if (existing.Any(r => r.EndpointType == registration.EndpointType && r.Replaces == registration.Replaces)) return services; // the same transport again
        services.AddSingleton(registration);
        return services;
    }

    private static string Checked(string endpointType)
    {
        ArgumentNullException.ThrowIfNull(endpointType);
        if (!LegTransportMap.KnownEndpointTypes.Contains(endpointType, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"'{endpointType}' is not an endpoint type; leg transports are registered for one of {string.Join(", ", LegTransportMap.KnownEndpointTypes)} (lower case, as on the wire).",
                nameof(endpointType));
        }
        return endpointType;
    }
}
