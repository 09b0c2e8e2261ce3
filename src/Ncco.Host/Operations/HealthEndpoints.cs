using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ncco.Host.Operations;

/// <summary>
/// Liveness and readiness probes on <c>Microsoft.Extensions.Diagnostics.HealthChecks</c>. <c>/health/live</c> answers
/// 200 while the process serves HTTP and every check tagged <see cref="NccoHealthChecks.LiveTag"/> passes (none of the
/// host's own is); <c>/health/ready</c> runs every registered check (<see cref="NccoHealthChecks"/> and the app's own):
/// 200 when all are healthy or degraded, 503 when one is unhealthy. The body is
/// <c>{"status": "ready"|"degraded"|"starting"|"draining"|"unavailable"|"ok", "detail": …, "checks": {name: {status, description}}}</c>.
/// Both are unauthenticated and excluded from the OpenAPI document.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>How long the readiness probe waits for the database.</summary>
    public static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Maps <c>/health/live</c> and <c>/health/ready</c>.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(NccoHealthChecks.LiveTag),
            ResponseWriter = (context, report) => WriteAsync(context, report, "ok"),
        }).ExcludeFromDescription();
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            ResponseWriter = (context, report) => WriteAsync(context, report, "ready"),
        }).ExcludeFromDescription();
        return routes;
    }

    /// <summary>The liveness answer without running checks, what <c>/health</c> maps to.</summary>
    public static IResult Live() => Results.Ok(new { status = "ok" });

    private static async Task WriteAsync(HttpContext context, HealthReport report, string healthy)
    {
        var draining = report.Entries.TryGetValue(NccoHealthChecks.Draining, out var drain) && drain.Status == HealthStatus.Unhealthy;
        var starting = report.Entries.TryGetValue(NccoHealthChecks.Starting, out var start) && start.Status == HealthStatus.Unhealthy;
        var status = report.Status switch
        {
            HealthStatus.Healthy => healthy,
            HealthStatus.Degraded => "degraded",
            _ => starting ? "starting" : draining ? "draining" : "unavailable",
        };
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", status);
        var problems = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).OrderBy(e => e.Value.Status).ToList();
        if (problems.Count > 0)
            json.WriteString("detail", string.Join("; ", problems.Select(e => $"{e.Key}: {e.Value.Description ?? e.Value.Exception?.Message ?? e.Value.Status.ToString()}")));
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            if ((entry.Description ?? entry.Exception?.Message) is { } description) json.WriteString("description", description);
            json.WriteNumber("duration_ms", Math.Round(entry.Duration.TotalMilliseconds, 3));
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
