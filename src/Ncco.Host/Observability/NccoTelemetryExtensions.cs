using Microsoft.Extensions.Diagnostics.Metrics;
using Ncco.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Ncco.Host.Observability;

/// <summary>
/// OpenTelemetry for the host: the calls' traces (<see cref="NccoTracing.SourceName"/>) and the host's and SIP stack's
/// meters (<see cref="NccoMetrics.MeterName"/>, <see cref="Ncco.Sip.Diagnostics.SipDiagnostics.MeterName"/>; the same
/// instruments <c>/metrics</c> serves to Prometheus), exported over OTLP when the standard <c>OTEL_*</c> settings ask for
/// it. Settings come from configuration, so environment variables, <c>appsettings.json</c> and <c>--OTEL_…=…</c> all work.
/// </summary>
/// <remarks>
/// <para>A signal (traces, metrics, logs) is exported over OTLP when <c>OTEL_{SIGNAL}_EXPORTER</c> lists <c>otlp</c>, or
/// when it is not set and <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>OTEL_EXPORTER_OTLP_{SIGNAL}_ENDPOINT</c> is. Unlike the
/// specification's default (OTLP to localhost:4318 always), nothing is sent anywhere until an endpoint or exporter is
/// configured: a self-hosted server should not make connections nobody asked for. <c>OTEL_{SIGNAL}_EXPORTER=none</c>
/// turns a signal off, <c>OTEL_SDK_DISABLED=true</c> all of OpenTelemetry. The exporter itself reads
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (<c>grpc</c> default, or <c>http/protobuf</c>), <c>…_HEADERS</c>, <c>…_TIMEOUT</c>;
/// the SDK reads <c>OTEL_SERVICE_NAME</c> (default <c>ncco</c>), <c>OTEL_RESOURCE_ATTRIBUTES</c>, <c>OTEL_BSP_*</c>,
/// <c>OTEL_METRIC_EXPORT_INTERVAL</c> and the trace sampler settings.</para>
/// <para>Tracing is registered even without an exporter, so every webhook carries a W3C <c>traceparent</c> an
/// application can join; an app that embeds the host adds exporters of its own with
/// <c>builder.Services.ConfigureOpenTelemetryTracerProvider(…)</c> / <c>…MeterProvider(…)</c> or its own
/// <c>AddOpenTelemetry()</c> calls, which extend the same providers.</para>
/// <para>Metrics are the meters of this host's own <see cref="System.Diagnostics.Metrics.IMeterFactory"/> only
/// (<see cref="MeterScope.Local"/>), like <c>/metrics</c>: several hosts in one process never mix or lose each
/// other's numbers.</para>
/// </remarks>
public static class NccoTelemetryExtensions
{
    /// <summary>The service name reported when <c>OTEL_SERVICE_NAME</c> does not set one.</summary>
    public const string DefaultServiceName = "ncco";

    // The name OpenTelemetry's IMetricsListener registers under (WithMetrics adds it).
    private const string OpenTelemetryListenerName = "OpenTelemetry";

    /// <summary>Adds OpenTelemetry tracing and metrics for the host, and OTLP exporters as configured. Idempotent.</summary>
    public static WebApplicationBuilder AddNccoTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Services.Any(d => d.ServiceType == typeof(Added))) return builder;
        builder.Services.AddSingleton(new Added());
        var configuration = builder.Configuration;
        if (string.Equals(configuration["OTEL_SDK_DISABLED"], "true", StringComparison.OrdinalIgnoreCase)) return builder;

        var otel = builder.Services.AddOpenTelemetry();
        if (configuration["OTEL_SERVICE_NAME"] is null && configuration["OTEL_RESOURCE_ATTRIBUTES"]?.Contains("service.name=", StringComparison.Ordinal) != true)
            otel.ConfigureResource(resource => resource.AddService(DefaultServiceName, serviceVersion: typeof(NccoTelemetryExtensions).Assembly.GetName().Version?.ToString(3)));
        otel.WithTracing(tracing =>
        {
            tracing.AddSource(NccoTracing.SourceName);
            if (Exports(configuration, "TRACES")) tracing.AddOtlpExporter();
        });
        otel.WithMetrics(metrics =>
        {
            if (Exports(configuration, "METRICS")) metrics.AddOtlpExporter();
        });
        // The meters are enabled for OpenTelemetry's listener with local scope, not with MeterProviderBuilder.AddMeter:
        // AddMeter listens to every meter of that name in the process. With two hosts in one process (tests, or an app
        // embedding two), this host's counters then shared one OpenTelemetry metric stream with the other host's
        // same-named counters, and when the other host stopped, its meter's disposal retired that stream: this host's
        // later measurements went into a stream no longer exported, so only the observable gauges it created later
        // still reached the exporter. Local scope takes only the meters of this host's own IMeterFactory.
        builder.Services.AddMetrics(metrics => metrics
            .EnableMetrics(NccoMetrics.MeterName, instrumentName: null, OpenTelemetryListenerName, MeterScope.Local)
            .EnableMetrics(Ncco.Sip.Diagnostics.SipDiagnostics.MeterName, instrumentName: null, OpenTelemetryListenerName, MeterScope.Local));
        if (Exports(configuration, "LOGS")) otel.WithLogging(logging => logging.AddOtlpExporter());
        return builder;
    }

    /// <summary>Whether <paramref name="signal"/> (<c>TRACES</c>, <c>METRICS</c>, <c>LOGS</c>) is exported over OTLP.</summary>
    internal static bool Exports(IConfiguration configuration, string signal)
    {
        if (configuration[$"OTEL_{signal}_EXPORTER"] is { } exporters)
            return exporters.Split(',', StringSplitOptions.TrimEntries).Contains("otlp", StringComparer.OrdinalIgnoreCase);
        return !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) || !string.IsNullOrWhiteSpace(configuration[$"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"]);
    }

    private sealed class Added;
}
