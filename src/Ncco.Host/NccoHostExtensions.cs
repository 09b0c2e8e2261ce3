using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Ncco.Host.Applications;
using Ncco.Host.Auth;
using Ncco.Host.Browser;
using Ncco.Host.Configuration;
using Ncco.Host.Calls;
using Ncco.Host.Dashboard;
using Ncco.Host.Observability;
using Ncco.Host.Persistence;
using Ncco.Host.Demo;
using Ncco.Host.Legs.Sip;
using Ncco.Host.Legs.WebSockets;
using Ncco.Host.MediaPlane;
using Ncco.Host.Operations;
using Ncco.Host.Recordings;
using Ncco.Host.Rest;

namespace Ncco.Host;

/// <summary>Registers and maps the host's services and APIs; <c>Program.cs</c> is just these two calls.</summary>
public static class NccoHostExtensions
{
    /// <summary>
    /// Adds the host's services: options, the store (SQLite unless <c>Ncco:Store:Provider</c> names another registered
    /// provider), credentials, JWT validation.
    /// </summary>
    public static WebApplicationBuilder AddNccoHost(this WebApplicationBuilder builder)
    {
        builder.Services.AddNccoOptions<NccoHostOptions>(builder.Configuration, NccoHostOptions.Section);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NccoHostOptions>, NccoHostOptionsValidator>());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<HostPublicUrl>();
        // DI factories are synchronous: the credentials are read once, at the first resolution (the file store completes
        // at once; a database store waits for its one query, on a host without a synchronization context).
        builder.Services.AddSingleton(provider => StoreRegistration.Selected<IAccountCredentialsStore>(provider)
            .LoadAsync(provider.GetRequiredService<IOptions<NccoHostOptions>>().Value.Account, CancellationToken.None).GetAwaiter().GetResult());
        builder.Services.AddSingleton(provider =>
        {
            var directory = DataDirectory(provider.GetRequiredService<IOptions<NccoHostOptions>>().Value);
            Directory.CreateDirectory(directory);
            return SqliteDatabase.AtPath(Path.Combine(directory, "ncco.db"));
        });
        AddSqliteProvider(builder.Services);
        builder.Services.AddSingleton(StoreRegistration.Selected<INccoStore>);
        builder.Services.AddSingleton(StoreRegistration.Selected<IApplicationRepository>);
        builder.Services.AddSingleton(StoreRegistration.Selected<ISipBindingRepository>);
        builder.Services.AddSingleton<NodeAdmission>();
        builder.Services.AddNccoOptions<AuthOptions>(builder.Configuration, AuthOptions.Section)
            .Validate(o => o.FailedSignInsPerMinute is >= 0 and <= 10_000, "Ncco:Auth:FailedSignInsPerMinute must be 0 (off) to 10000 failed sign-ins per minute.");
        // An app may register a cluster-wide replay store before AddNccoHost; this in-memory one is the default.
        builder.Services.TryAddSingleton<IJtiReplayStore, JtiReplayCache>();
        builder.Services.AddSingleton<VerifiedTokenCache>();
        builder.Services.AddSingleton<ApplicationKeyCache>();
        builder.Services.AddSingleton<ApplicationJwtValidator>();
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddSingleton<BasicAuthenticationFilter>();
        builder.Services.AddSingleton<ApplicationJwtFilter>();
        builder.Services.AddSingleton<Cluster.ClusterHop>();
        builder.Services.AddSingleton<Cluster.ClusterHopFilter>();
        builder.Services.AddSingleton<Cluster.LegForwardingFilter>();
        builder.Services.AddSingleton<Cluster.LostLegCloser>();
        builder.Services.AddSingleton<Cluster.UntakenHandoffCloser>();
        // One node hosts every named conversation; a shared store (AddNccoPostgres) registers the cluster's directory.
        builder.Services.TryAddSingleton<Cluster.IConversationHostDirectory, Cluster.LocalConversationHostDirectory>();
        // The cluster's internal hop (used only when a shared store registers an ILegOwnerDirectory); no redirects:
        // a hop goes to the node named, or fails.
        builder.Services.AddHttpClient(Cluster.LegForwardingFilter.ClientName, client => client.Timeout = System.Threading.Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = Cluster.LegForwardingFilter.Timeout, UseProxy = false });

        builder.Services.AddMetrics();
        builder.Services.AddSingleton<NccoMetrics>();
        builder.Services.AddSingleton(StoreRegistration.Selected<ICallRepository>);
        builder.Services.AddSingleton(StoreRegistration.Selected<IRecordingRepository>);
        builder.Services.AddSingleton(StoreRegistration.Selected<Numbers.INumberRepository>);
        // The journal is registered first so it stops last: calls hung up while draining are still written.
        builder.Services.AddSingleton<CallJournal>();
        builder.Services.AddSingleton<CallResponseCache>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<CallJournal>());
        builder.Services.AddSingleton(provider => new WebhookAddressPolicy(provider.GetRequiredService<IOptions<NccoHostOptions>>().Value.Webhooks.AllowedNetworks));
        builder.Services.AddSingleton<VmDirectory>();
        builder.Services.AddSingleton<ILiveCalls>(provider => provider.GetRequiredService<VmDirectory>());
        // After the journal, before the server takes calls: what a crashed run left live is ended and reported.
        builder.Services.AddSingleton<CrashRecovery>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<CrashRecovery>());
        builder.Services.AddSingleton<OutboundCallRateLimiter>();
        builder.Services.AddSingleton<CallAdmission>();
        builder.Services.AddNccoMedia();
        builder.Services.AddSingleton<IVmCustomizer, MediaVmCustomizer>();
        builder.Services.AddSingleton<IVmCustomizer, Cluster.ConversationPlacementCustomizer>();
        builder.Services.AddSingleton<IVmCustomizer, Cluster.InboundHandoffCustomizer>();
        // The leg transports, one per endpoint type (Legs/README.md); their order does not matter.
        builder.AddNccoWebSockets();
        builder.AddNccoSip();
        builder.AddNccoBrowserPhone();
        builder.AddNccoOperability();
        builder.AddNccoDemo();
        builder.AddNccoDashboard();
        return builder;
    }

    /// <summary>
    /// Checks every <c>Ncco:</c> section (all failures at once, as one <see cref="OptionsValidationException"/>), prepares
    /// the store and maps every API.
    /// </summary>
    public static async Task<WebApplication> UseNccoHostAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        NccoOptionsCheck.ThrowIfAnyInvalid(app.Services);
        await app.Services.GetRequiredService<INccoStore>().MigrateAsync(app.Lifetime.ApplicationStopping);
        var account = app.Services.GetRequiredService<AccountCredentials>();
        var hostOptions = app.Services.GetRequiredService<IOptions<NccoHostOptions>>().Value;
        if (hostOptions.Store.Provider == StoreProvider.Sqlite)
        {
            app.Logger.LogInformation("Applications API: Basic auth with API key {ApiKey} (secret in {DataDirectory}/account.json)",
                account.ApiKey, DataDirectory(hostOptions));
        }
        else
        {
            app.Logger.LogInformation("Applications API: Basic auth with API key {ApiKey} (secret in the {Provider} store)", account.ApiKey, hostOptions.Store.Provider);
        }

        // Not async: a request that passes through needs no state machine of its own here.
        app.Use((context, next) =>
        {
            context.Response.Headers[Observability.RequestTraceId.HeaderName] = Observability.RequestTraceId.Compute(context);
            return next(context);
        });
        var maxBody = app.Services.GetRequiredService<IOptions<NccoHostOptions>>().Value.Limits.MaxRequestBodyBytes;
        app.Use((context, next) =>
        {
            // One body limit for every endpoint (Ncco:Limits:MaxRequestBodyBytes), the unauthenticated ones included.
            if (maxBody > 0 && !context.WebSockets.IsWebSocketRequest)
            {
                if (context.Request.ContentLength > maxBody)
                {
                    context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                    return context.Response.WriteAsJsonAsync(new Errors.VonageError("https://developer.vonage.com/api-errors#payload-too-large", "Payload Too Large",
                        $"The request body is {context.Request.ContentLength} bytes; Ncco:Limits:MaxRequestBodyBytes allows {maxBody}.", Errors.ErrorResults.TraceId(context)));
                }
                if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                {
                    feature.MaxRequestBodySize = maxBody;
                }
            }
            return next(context);
        });
        app.MapGet("/health", HealthEndpoints.Live).ExcludeFromDescription();
        app.MapNccoOperability();
        app.MapNccoDemo();
        app.MapNccoBrowserPhone();
        app.MapApplicationsApi();
        Numbers.NumbersEndpoints.MapNumbersApi(app);
        app.MapCallsApi();
        app.MapDrainEndpoints();
        app.MapFilesApi();
        Cluster.ConversationBridgeEndpoints.MapConversationBridge(app);
        app.MapNccoDashboard();
        return app;
    }

    /// <summary>The SQLite provider, keyed <see cref="StoreProvider.Sqlite"/>: the file <c>ncco.db</c> and <c>account.json</c> in the data directory.</summary>
    private static void AddSqliteProvider(IServiceCollection services)
    {
        var key = StoreRegistration.Key(StoreProvider.Sqlite);
        services.AddKeyedSingleton<INccoStore>(key, (provider, _) => new SqliteStore(provider.GetRequiredService<SqliteDatabase>()));
        services.AddKeyedSingleton<IApplicationRepository>(key, (provider, _) =>
            new SqliteApplicationRepository(provider.GetRequiredService<SqliteDatabase>(), provider.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton<ICallRepository>(key, (provider, _) => new SqliteCallRepository(provider.GetRequiredService<SqliteDatabase>()));
        services.AddKeyedSingleton<IRecordingRepository>(key, (provider, _) => new SqliteRecordingRepository(provider.GetRequiredService<SqliteDatabase>()));
        services.AddKeyedSingleton<ISipBindingRepository>(key, (provider, _) => new SqliteSipBindingRepository(provider.GetRequiredService<SqliteDatabase>()));
        services.AddKeyedSingleton<Numbers.INumberRepository>(key, (provider, _) => new SqliteNumberRepository(provider.GetRequiredService<SqliteDatabase>()));
        services.AddKeyedSingleton<IAccountCredentialsStore>(key, (provider, _) =>
            new FileAccountCredentialsStore(DataDirectory(provider.GetRequiredService<IOptions<NccoHostOptions>>().Value)));
    }

    private static string DataDirectory(NccoHostOptions options) => Path.GetFullPath(options.DataDirectory);
}
