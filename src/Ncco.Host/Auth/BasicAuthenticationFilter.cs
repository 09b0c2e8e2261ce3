using System.Security.Cryptography;
using System.Text;
using Ncco.Host.Errors;

namespace Ncco.Host.Auth;

/// <summary>
/// Requires <c>Authorization: Basic base64(api_key:api_secret)</c> (the Applications API's scheme). Failed sign-ins are
/// throttled per source address by <see cref="SignInThrottle"/> (429 with <c>Retry-After</c>).
/// </summary>
public sealed class BasicAuthenticationFilter(AccountCredentials account, SignInThrottle throttle) : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var source = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (!throttle.MayTry(source, out var retryAfter))
        {
            return ErrorResults.TooManyRequests(http, retryAfter, "Too many failed sign-ins from this address; try again after the Retry-After delay.");
        }
        var result = Check(http);
        if (result is not null)
        {
            throttle.Failed(source);
            return result;
        }
        throttle.Succeeded(source);
        return await next(context);
    }

    private IResult? Check(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return ErrorResults.Unauthorized(http, "unauthorized", "Send Authorization: Basic with your API key and secret.");
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return ErrorResults.Unauthorized(http, "unauthorized", "The Basic credentials are not valid base64.");
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !FixedTimeEquals(decoded[..colon], account.ApiKey) || !FixedTimeEquals(decoded[(colon + 1)..], account.ApiSecret))
        {
            return ErrorResults.Unauthorized(http, "unauthorized", "You did not provide correct credentials.");
        }
        return null;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
