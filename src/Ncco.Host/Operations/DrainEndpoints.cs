using Ncco.Host.Auth;
using Ncco.Host.Calls;
using Ncco.Host.Http;

namespace Ncco.Host.Operations;

/// <summary>
/// <c>/admin/drain</c>: takes a node out of rotation without stopping it, for maintenance or before a rolling
/// restart behind a SIP front. <c>PUT</c> starts draining — new calls are refused as during shutdown (SIP INVITE 503,
/// out-of-dialog SIP OPTIONS 503, so Kamailio's dispatcher probing marks the node inactive; <c>POST /v1/calls</c> 503;
/// <c>/health/ready</c> 503, so an HTTP balancer stops sending) while the calls in progress carry on; <c>DELETE</c>
/// takes calls again; <c>GET</c> reads the state and how many legs are still up. Stopping the host (SIGTERM) drains
/// the same way and then ends the calls left after <c>Ncco:Shutdown:DrainTimeout</c>. Authenticated with the
/// account's API key and secret (Basic), from any address: it is an operator's action, not a probe.
/// </summary>
public static class DrainEndpoints
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapDrainEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var drain = routes.MapGroup("/admin/drain").AddSingletonEndpointFilter<BasicAuthenticationFilter>().ExcludeFromDescription();
        drain.MapGet("/", (VmDirectory vms) => State(vms));
        drain.MapPut("/", (VmDirectory vms, ILogger<VmDirectory> logger) =>
        {
            if (!vms.IsHeldByOperator) logger.LogWarning("Drain: an operator took this node out of rotation; {ActiveLegs} legs carry on", vms.ActiveLegCount);
            vms.HoldNewCalls(true);
            return State(vms);
        });
        drain.MapDelete("/", (HttpContext http, VmDirectory vms, ILogger<VmDirectory> logger) =>
        {
            if (vms.IsShuttingDown) return Errors.ErrorResults.Conflict(http, "The host is shutting down; it cannot take new calls again.");
            if (vms.IsHeldByOperator) logger.LogWarning("Drain: an operator put this node back in rotation");
            vms.HoldNewCalls(false);
            return State(vms);
        });
        return routes;
    }

    private static IResult State(VmDirectory vms) => Utf8JsonResult.Create(w =>
    {
        w.WriteStartObject();
        w.WriteBoolean("draining", vms.IsDraining);
        w.WriteBoolean("shutting_down", vms.IsShuttingDown);
        w.WriteNumber("active_legs", vms.ActiveLegCount);
        w.WriteEndObject();
    });
}
