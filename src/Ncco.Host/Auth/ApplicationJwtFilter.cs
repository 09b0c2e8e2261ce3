using Ncco.Host.Applications;
using Ncco.Host.Errors;

namespace Ncco.Host.Auth;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;application JWT&gt;</c> (the Voice API's scheme), enforces the token's
/// <c>acl</c> when it has one (403 <c>forbidden</c> naming the method, the path and what the token allows), and makes
/// the authenticated <see cref="Application"/> available to the endpoint through <see cref="ApplicationOf"/>.
/// </summary>
/// <remarks>
/// The application travels as a request feature keyed by its own type, not in <c>HttpContext.Items</c>: the
/// application object is shared and Kestrel keeps its list of extra features from request to request on a connection, so
/// this costs no allocation, where the first write to <c>Items</c> built a feature, a dictionary and its table on every
/// request (≈ 250 bytes of the ≈ 2 KB a <c>GET /v1/calls/{uuid}</c> allocated; see bench/Ncco.Host.Load/RESULTS.md).
/// </remarks>
public sealed class ApplicationJwtFilter(ApplicationJwtValidator validator) : IEndpointFilter
{
    /// <summary>The application whose JWT authenticated the request.</summary>
    public static Application ApplicationOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<Application>()
            ?? throw new InvalidOperationException("The endpoint is not protected by " + nameof(ApplicationJwtFilter) + ".");
    }

    /// <summary>
    /// Marks the request as made by <paramref name="application"/> without a JWT: an internal hop from another node of
    /// the cluster, which checked the JWT and signed the hop (<see cref="Cluster.ClusterHopFilter"/>).
    /// </summary>
    internal static void AuthenticateHop(HttpContext context, Application application) => context.Features.Set(application);

    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (http.Features.Get<Application>() is not null) return next(context);
        var header = http.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(ErrorResults.Unauthorized(http, "unauthorized", "The Voice API takes an application JWT (Authorization: Bearer), not an API key and secret."));
        }
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(ErrorResults.Unauthorized(http, "unauthorized", "Send Authorization: Bearer with a JWT signed by your application's private key."));
        }
        // A token verified before completes at once (a cache hit): then no state machine is needed here.
        var validation = validator.ValidateAsync(header.AsMemory("Bearer ".Length).Trim(), http.RequestAborted);
        return validation.IsCompletedSuccessfully ? Continue(context, next, validation.Result) : ContinueAsync(context, next, validation);
    }

    private static async ValueTask<object?> ContinueAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, ValueTask<JwtValidationResult> validation) =>
        await Continue(context, next, await validation);

    private static ValueTask<object?> Continue(EndpointFilterInvocationContext context, EndpointFilterDelegate next, JwtValidationResult result)
    {
        var http = context.HttpContext;
        if (!result.IsValid) return Refuse(ErrorResults.Unauthorized(http, result.ErrorKey ?? "unauthorized", result.Detail ?? "Invalid token."));
        if (result.Token?.Acl is { } acl && !acl.Allows(http.Request.Method, http.Request.Path.Value))
        {
            return Refuse(ErrorResults.Forbidden(http,
                $"The token's acl does not allow {http.Request.Method} {http.Request.Path}; it allows {string.Join(", ", acl.Paths)}."));
        }
        http.Features.Set(result.Application);
        return next(context);
    }

    private static ValueTask<object?> Refuse(IResult failure) => ValueTask.FromResult<object?>(failure);
}
