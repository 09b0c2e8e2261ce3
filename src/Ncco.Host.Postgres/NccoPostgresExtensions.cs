using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Ncco.Host.Applications;
using Ncco.Host.Auth;
using Ncco.Host.Calls;
using Ncco.Host.Configuration;
using Ncco.Host.Numbers;
using Ncco.Host.Persistence;
using Ncco.Host.Postgres.Cluster;
using Ncco.Host.Recordings;

namespace Ncco.Host.Postgres;

/// <summary>Registers the PostgreSQL store provider, as Kestrel's <c>UseSockets()</c> registers a transport.</summary>
public static class NccoPostgresExtensions
{
    /// <summary>
    /// Makes <c>Ncco:Store:Provider=Postgres</c> available (before or after <c>AddNccoHost</c>): the repositories keyed
    /// <see cref="StoreProvider.Postgres"/>, the <c>Ncco:Cluster</c> settings and the membership heartbeat. Nothing
    /// connects to PostgreSQL unless the configuration selects it; with the default SQLite store this only adds the
    /// settings.
    /// </summary>
    public static WebApplicationBuilder AddNccoPostgres(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddNccoOptions<ClusterOptions>(builder.Configuration, ClusterOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterOptions>, ClusterOptionsValidator>());
        if (services.Any(d => d.ServiceType == typeof(PostgresDatabase))) return builder;

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<NodeAdmission>();
        services.AddSingleton(provider => new PostgresDatabase(provider.GetRequiredService<IOptions<NccoHostOptions>>().Value.Store.ConnectionString
            ?? throw new InvalidOperationException("Ncco:Store:ConnectionString is empty: Ncco:Store:Provider=Postgres needs an Npgsql connection string.")));
        var key = StoreRegistration.Key(StoreProvider.Postgres);
        services.AddKeyedSingleton<INccoStore>(key, (provider, _) => new PostgresStore(provider.GetRequiredService<PostgresDatabase>()));
        services.AddKeyedSingleton<IApplicationRepository>(key, (provider, _) =>
            new PostgresApplicationRepository(provider.GetRequiredService<PostgresDatabase>(), provider.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton<ICallRepository>(key, (provider, _) =>
            new PostgresCallRepository(provider.GetRequiredService<PostgresDatabase>(), provider.GetRequiredService<IOptions<ClusterOptions>>().Value.EffectiveNodeId));
        services.AddKeyedSingleton<IRecordingRepository>(key, (provider, _) => new PostgresRecordingRepository(provider.GetRequiredService<PostgresDatabase>()));
        services.AddKeyedSingleton<ISipBindingRepository>(key, (provider, _) => new PostgresSipBindingRepository(provider.GetRequiredService<PostgresDatabase>()));
        services.AddKeyedSingleton<INumberRepository>(key, (provider, _) => new PostgresNumberRepository(provider.GetRequiredService<PostgresDatabase>()));
        services.AddKeyedSingleton<IAccountCredentialsStore>(key, (provider, _) => new PostgresAccountCredentialsStore(provider.GetRequiredService<PostgresDatabase>()));
        services.AddSingleton<PostgresMembership>();
        services.AddHostedService(provider => provider.GetRequiredService<PostgresMembership>());
        services.AddSingleton<Ncco.Host.Cluster.ILegOwnerDirectory, PostgresLegOwnerDirectory>();
        services.AddSingleton<Ncco.Host.Cluster.IConversationHostDirectory>(provider =>
        {
            if (provider.GetRequiredService<IOptions<NccoHostOptions>>().Value.Store.Provider != StoreProvider.Postgres) return new Ncco.Host.Cluster.LocalConversationHostDirectory();
            var membership = provider.GetRequiredService<PostgresMembership>();
            return new PostgresConversationHostDirectory(provider.GetRequiredService<PostgresDatabase>(), membership.NodeId, () => membership.Incarnation,
                provider.GetRequiredService<IOptions<ClusterOptions>>().Value.DeadAfter);
        });
        // Registered with every store so the gateway's look-up is the same; only PostgreSQL with the setting on redirects.
        services.AddSingleton<Ncco.Host.Cluster.IInboundHandoffDirectory>(provider =>
        {
            var membership = provider.GetRequiredService<PostgresMembership>();
            var cluster = provider.GetRequiredService<IOptions<ClusterOptions>>().Value;
            var postgres = provider.GetRequiredService<IOptions<NccoHostOptions>>().Value.Store.Provider == StoreProvider.Postgres;
            return new PostgresInboundHandoffDirectory(provider.GetRequiredService<PostgresDatabase>, membership.NodeId, cluster.DeadAfter, enabled: postgres && cluster.RedirectBeforeAnswer,
                cluster.HandoffLifetime);
        });
        services.AddSingleton<DeadNodeSweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<DeadNodeSweeper>());
        services.AddSingleton<FinalEventHold>();
        services.AddHostedService(provider => provider.GetRequiredService<FinalEventHold>());
        services.AddSingleton<IVmCustomizer>(provider => provider.GetRequiredService<FinalEventHold>());
        services.AddSingleton<Ncco.Host.Rest.ISharedCallRateWindow, PostgresCallRateWindow>();
        // JWT replay rejection across nodes, unless the app registered its own store (Redis…): the host's in-memory
        // default is replaced whichever of AddNccoHost and AddNccoPostgres comes first; with the SQLite store it stays.
        var replay = services.LastOrDefault(d => d.ServiceType == typeof(IJtiReplayStore));
        if (replay is null || replay.ImplementationType == typeof(JtiReplayCache))
        {
            if (replay is not null) services.Remove(replay);
            services.AddSingleton<IJtiReplayStore>(provider =>
                provider.GetRequiredService<IOptions<NccoHostOptions>>().Value.Store.Provider == StoreProvider.Postgres
                    ? new PostgresJtiReplayStore(provider.GetRequiredService<PostgresDatabase>(), provider.GetRequiredService<TimeProvider>())
                    : ActivatorUtilities.CreateInstance<JtiReplayCache>(provider));
        }
        return builder;
    }
}
