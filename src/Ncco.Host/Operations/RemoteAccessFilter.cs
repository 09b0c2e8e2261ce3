using Ncco.Host.Auth;
using Ncco.Host.Configuration;

namespace Ncco.Host.Operations;

/// <summary>
/// Lets a request through when it arrived on loopback or its endpoint is opened by <see cref="RemoteAccessOptions"/>;
/// otherwise it must pass <see cref="BasicAuthenticationFilter"/> (401 without credentials, 429 past the sign-in throttle).
/// Without an account to sign in with (operability mapped without the host's auth) such a request gets 401.
/// </summary>
internal sealed class RemoteAccessFilter(Func<RemoteAccessOptions, bool> anonymous, RemoteAccessOptions options, BasicAuthenticationFilter? basic) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (ListenAddresses.ArrivedOnLoopback(context.HttpContext) || anonymous(options)) return next(context);
        if (basic is not null) return basic.InvokeAsync(context, next);
        return ValueTask.FromResult<object?>(Errors.ErrorResults.Unauthorized(context.HttpContext, "unauthorized",
            "This endpoint answers other addresses only with credentials, and this host has no account to check them against; see Ncco:RemoteAccess."));
    }
}
