using Microsoft.Extensions.Options;
using Ncco.Host.Configuration;

namespace Ncco.Host.Persistence;

/// <summary>
/// How store providers plug in, on the model of Kestrel's transports: each provider registers its
/// <see cref="INccoStore"/> and repositories as keyed services under <see cref="Key"/> of its
/// <see cref="StoreProvider"/> (SQLite by <c>AddNccoHost</c>, PostgreSQL by <c>AddNccoPostgres</c> from the
/// <c>Ncco.Host.Postgres</c> package), in any order; the host resolves the unkeyed services from the one that
/// <c>Ncco:Store:Provider</c> names.
/// </summary>
public static class StoreRegistration
{
    /// <summary>The service key of <paramref name="provider"/>'s services.</summary>
    public static string Key(StoreProvider provider) => provider.ToString();

    /// <summary>The configured provider's <typeparamref name="T"/>; a clear error when that provider was never registered.</summary>
    internal static T Selected<T>(IServiceProvider services) where T : notnull
    {
        var provider = services.GetRequiredService<IOptions<NccoHostOptions>>().Value.Store.Provider;
        var key = Key(provider);
        if (services.GetService<IServiceProviderIsKeyedService>() is { } keyed && !keyed.IsKeyedService(typeof(T), key))
        {
            throw new InvalidOperationException(provider == StoreProvider.Postgres
                ? "Ncco:Store:Provider is Postgres but the PostgreSQL provider is not registered: reference the Ncco.Host.Postgres package and call builder.AddNccoPostgres() (ncco serve does)."
                : $"Ncco:Store:Provider is {provider} but no provider registered {typeof(T).Name} for it.");
        }
        return services.GetRequiredKeyedService<T>(key);
    }
}
