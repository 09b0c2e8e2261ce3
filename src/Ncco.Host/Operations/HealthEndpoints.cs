using Ncco.Host.Calls;
using Ncco.Host.Persistence;

namespace Ncco.Host.Operations;

/// <summary>
/// Liveness and readiness probes. <c>/health/live</c> answers 200 while the process serves HTTP at all;
/// <c>/health/ready</c> answers 200 only when the host should get new calls: every start-up artifact is in place
/// (the demo application and its key file, when the demo is on), it is not draining and its database answers a
/// query. Both are unauthenticated and excluded from the OpenAPI document.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>How long the readiness probe waits for the database.</summary>
    public static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Maps <c>/health/live</c> and <c>/health/ready</c>.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health/live", Live).ExcludeFromDescription();
        routes.MapGet("/health/ready", ReadyAsync).ExcludeFromDescription();
        return routes;
    }

    /// <summary>The liveness answer, also what <c>/health</c> should map to.</summary>
    public static IResult Live() => Results.Ok(new { status = "ok" });

    private static async Task<IResult> ReadyAsync(IServiceProvider services, TimeProvider time, CancellationToken cancellationToken)
    {
        if (services.GetService<Demo.DemoProvisioner>() is { Settled: false })
        {
            return Results.Json(new { status = "starting", detail = "the demo application and its key file are being provisioned" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (services.GetService<ILiveCalls>() is { IsDraining: true })
        {
            return Results.Json(new { status = "draining" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (services.GetService<SqliteDatabase>() is { } database)
        {
            using var timeout = new CancellationTokenSource(DatabaseTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try
            {
                await using var connection = await database.OpenAsync(linked.Token);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT 1";
                await command.ExecuteScalarAsync(linked.Token);
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return Results.Json(new { status = "unavailable", detail = "the database did not answer: " + e.Message }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }

        return Results.Ok(new { status = "ready" });
    }
}
