namespace Ncco.Host.Http;

/// <summary>
/// Adds an endpoint filter that is one instance for the whole process: the filter type registered as a singleton,
/// resolved once when the endpoint is built.
/// </summary>
/// <remarks>
/// Why not <c>AddEndpointFilter&lt;TFilter&gt;()</c>: ASP.NET Core builds that filter anew for every request, through
/// <c>ActivatorUtilities</c> on the request's services, whatever lifetime the filter is registered with. On
/// <c>GET /v1/calls/{uuid}</c> (three filters) that was three filter objects and their constructors' service lookups on
/// every request, the cluster forwarding filter's <c>ILegOwnerDirectory</c> lookup (meant to run once) and its
/// <c>Lazy</c> among them. The host's filters keep no per-request state, so one instance serves every request.
/// </remarks>
internal static class SingletonEndpointFilter
{
    /// <summary>Adds the registered singleton <typeparamref name="TFilter"/> to every endpoint of the group.</summary>
    public static RouteGroupBuilder AddSingletonEndpointFilter<TFilter>(this RouteGroupBuilder builder)
        where TFilter : class, IEndpointFilter => Add<RouteGroupBuilder, TFilter>(builder);

    /// <summary>Adds the registered singleton <typeparamref name="TFilter"/> to the endpoint.</summary>
    public static RouteHandlerBuilder AddSingletonEndpointFilter<TFilter>(this RouteHandlerBuilder builder)
        where TFilter : class, IEndpointFilter => Add<RouteHandlerBuilder, TFilter>(builder);

    private static TBuilder Add<TBuilder, TFilter>(TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
        where TFilter : class, IEndpointFilter
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilterFactory(static (context, next) =>
        {
            var filter = context.ApplicationServices.GetRequiredService<TFilter>();
            return invocation => filter.InvokeAsync(invocation, next);
        });
    }
}
