using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Ncco.Host.Configuration;
using Ncco.Host.Observability;

namespace Ncco.Host.Operations;

/// <summary>
/// Registers and maps what operators need: Prometheus metrics, the OpenAPI document, health probes, structured
/// logging defaults and graceful shutdown. Both methods may be called more than once; later calls do nothing.
/// </summary>
public static class OperabilityExtensions
{
    private const string MappedKey = "Ncco.Operability.Mapped";

    /// <summary>
    /// Adds <see cref="NccoMetrics"/> and its Prometheus exporter, the OpenAPI generator, JSON console logging
    /// defaults (scopes on, UTC ISO-8601 timestamps; the formatter itself is chosen with
    /// <c>Logging:Console:FormatterName=json</c>), <see cref="ShutdownOptions"/> and the <see cref="CallDrainService"/>,
    /// with the host's shutdown timeout raised to the drain budget plus <see cref="ShutdownOptions.HangupBudget"/>.
    /// </summary>
    public static WebApplicationBuilder AddNccoOperability(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(OperabilityMarker))) return builder;
        builder.Services.AddSingleton<OperabilityMarker>();

        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<NccoMetrics>();
        builder.Services.AddSingleton(provider => new PrometheusMetricsExporter(provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), [NccoMetrics.MeterName, Ncco.Sip.Diagnostics.SipDiagnostics.MeterName]));

        builder.Services.AddNccoOpenApi();
        builder.AddNccoTelemetry();
        // The same builder an app gets from its own AddHealthChecks() call: checks it adds run at /health/ready too.
        builder.Services.AddHealthChecks().AddNccoChecks();

        ConfigureJsonConsoleDefaults(builder);

        builder.Services.AddNccoOptions<RemoteAccessOptions>(builder.Configuration, RemoteAccessOptions.Section);
        builder.Services.AddNccoOptions<ShutdownOptions>(builder.Configuration, ShutdownOptions.Section)
            .Validate(options => options.DrainTimeout >= TimeSpan.Zero, "Ncco:Shutdown:DrainTimeout must not be negative (00:00:00 hangs up at once).");
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<ShutdownOptions>>((host, shutdown) =>
        {
            ShutdownOptions value;
            try
            {
                value = shutdown.Value;
            }
            catch (OptionsValidationException)
            {
                // The host is built before anything is checked: leave its timeout alone, and let the start-up check
                // report this section together with every other one (NccoOptionsCheck).
                return;
            }
            var needed = value.DrainTimeout + ShutdownOptions.HangupBudget;
            if (host.ShutdownTimeout < needed) host.ShutdownTimeout = needed;
        });
        builder.Services.AddHostedService<CallDrainService>();
        return builder;
    }

    /// <summary>
    /// Maps <c>GET /metrics</c> (Prometheus text format 0.0.4), <c>/health/live</c>, <c>/health/ready</c> and the
    /// OpenAPI document at <c>/openapi/v1.json</c>; starts the metrics listener so nothing recorded from now on is missed.
    /// Metrics and the OpenAPI document answer anyone on loopback and need the API key and secret elsewhere unless
    /// <see cref="RemoteAccessOptions"/> opens them.
    /// </summary>
    public static WebApplication MapNccoOperability(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var properties = ((IApplicationBuilder)app).Properties;
        if (properties.ContainsKey(MappedKey)) return app;
        properties[MappedKey] = true;

        // Resolved now, not at the first scrape: the listener only counts what happens after it starts, and the
        // instruments should be listed (with HELP and TYPE) before anything was recorded.
        var exporter = app.Services.GetRequiredService<PrometheusMetricsExporter>();
        app.Services.GetRequiredService<NccoMetrics>();

        var access = app.Services.GetRequiredService<IOptions<RemoteAccessOptions>>().Value;
        var basic = app.Services.GetService<Auth.BasicAuthenticationFilter>();
        app.MapGet("/metrics", () => Results.Text(exporter.Collect(), PrometheusMetricsExporter.ContentType)).ExcludeFromDescription()
            .AddEndpointFilter(new RemoteAccessFilter(o => o.AnonymousMetrics, access, basic));
        app.MapHealthEndpoints();
        app.MapOpenApi(NccoOpenApi.Route).AddEndpointFilter(new RemoteAccessFilter(o => o.AnonymousOpenApi, access, basic));
        return app;
    }

    private static void ConfigureJsonConsoleDefaults(WebApplicationBuilder builder)
    {
        // Defaults only: whatever Logging:Console:FormatterOptions says in configuration wins.
        var configured = builder.Configuration.GetSection("Logging:Console:FormatterOptions");
        builder.Services.Configure<JsonConsoleFormatterOptions>(options =>
        {
            if (configured["IncludeScopes"] is null) options.IncludeScopes = true;
            if (configured["TimestampFormat"] is null) options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            if (configured["UseUtcTimestamp"] is null) options.UseUtcTimestamp = true;
            // Log lines are read by people and shippers, never embedded in HTML: keep quotes and non-ASCII readable
            // instead of \u0022-escaped.
            var writer = options.JsonWriterOptions;
            writer.Encoder ??= System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
            options.JsonWriterOptions = writer;
        });
    }

    private sealed class OperabilityMarker;
}
