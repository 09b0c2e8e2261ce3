using Microsoft.Extensions.Options;

namespace Ncco.Host.Dashboard;

/// <summary>
/// Keeps the dashboard on loopback unless <see cref="DashboardOptions.AllowRemote"/> is set: a request that reached the
/// host on another address gets 404 with the reason, whatever its credentials.
/// </summary>
internal sealed class DashboardAccess(IOptions<DashboardOptions> options) : IEndpointFilter
{
    /// <summary>True when <paramref name="http"/> may see the dashboard.</summary>
    public bool Allows(HttpContext http)
    {
        return options.Value.AllowRemote || Configuration.ListenAddresses.ArrivedOnLoopback(http);
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!Allows(context.HttpContext))
        {
            return Results.Text("The dashboard answers on loopback only (http://127.0.0.1:…); set Ncco:Dashboard:AllowRemote=true to serve it on other addresses.",
                "text/plain", statusCode: StatusCodes.Status404NotFound);
        }
        return await next(context);
    }
}
