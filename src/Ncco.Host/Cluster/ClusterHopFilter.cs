using Ncco.Host.Applications;
using Ncco.Host.Auth;
using Ncco.Host.Errors;

namespace Ncco.Host.Cluster;

/// <summary>
/// Accepts a signed internal hop from another node (<see cref="ClusterHop"/>) in place of the application JWT: the
/// request is made by the application the hop names, and it is handled here, never forwarded again. A request with a
/// hop signature that does not verify gets 401 naming why; a request without one goes on to the JWT check.
/// </summary>
public sealed class ClusterHopFilter(ClusterHop hop, IApplicationRepository applications) : IEndpointFilter
{
    private const string ItemKey = "ncco.cluster-hop";

    /// <summary>True when the request came from another node over the internal hop.</summary>
    public static bool IsHop(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.ContainsKey(ItemKey);
    }

    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        // Nearly every request is not a hop: it passes through without a state machine of its own.
        return ClusterHop.IsSigned(context.HttpContext.Request) ? VerifyHopAsync(context, next) : next(context);
    }

    private async ValueTask<object?> VerifyHopAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var (isHop, applicationId, problem) = await hop.VerifyAsync(http.Request, http.RequestAborted);
        if (!isHop) return await next(context);
        if (problem is not null) return ErrorResults.Unauthorized(http, "unauthorized", "Internal hop refused: " + problem + ".");
        if (await applications.FindAsync(applicationId!, http.RequestAborted) is not { } application)
        {
            return ErrorResults.Unauthorized(http, "unauthorized", $"Internal hop refused: no application {applicationId}.");
        }
        ApplicationJwtFilter.AuthenticateHop(http, application);
        http.Items[ItemKey] = true;
        return await next(context);
    }
}
