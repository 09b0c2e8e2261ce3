using Ncco.Host.Auth;

namespace Ncco.Host.Browser;

/// <summary>The outcome of signing in to the browser phone: the user, or which field was wrong and why.</summary>
/// <param name="User">The signed-in user, when the token is valid.</param>
/// <param name="Reason">Why the token was refused (names the claim), when it is not.</param>
public sealed record UserSignIn(BrowserUser? User, string? Reason);

/// <summary>
/// Checks a browser phone user's JWT: an application JWT (RS256, <c>application_id</c>, <c>iat</c>, <c>jti</c>, checked by
/// <see cref="ApplicationJwtValidator"/>, so it is accepted until it expires, and a reloaded page signs in again with
/// it) that also names the user in <c>sub</c>, as the JWTs of Vonage Client SDK users do.
/// </summary>
/// <remarks>
/// The <c>acl</c> is enforced as the Client SDK's permissions read (Vonage's JWT guide): signing in needs
/// <c>/*/sessions/**</c> ("log in as a user"), placing a call needs <c>/*/knocking/**</c> ("start phone calls"); the
/// phone checks them as <c>POST /v1/sessions</c> and <c>POST /v1/knocking</c>. A token without <c>acl</c> may do
/// both, like a token without one on the Voice API.
/// </remarks>
public sealed class UserJwtAuthenticator(ApplicationJwtValidator validator)
{
    /// <summary>Longest user name accepted (a name is echoed into webhooks and logs).</summary>
    public const int MaxUserNameLength = 100;

    /// <summary>The request a sign-in stands for in the token's <c>acl</c>.</summary>
    public const string SessionsPath = "/v1/sessions";

    /// <summary>The request placing a call stands for in the token's <c>acl</c>.</summary>
    public const string KnockingPath = "/v1/knocking";

    /// <summary>Validates <paramref name="token"/>.</summary>
    public async Task<UserSignIn> SignInAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token)) return new UserSignIn(null, "token: missing; sign in with a user JWT (an application JWT with a sub claim)");
        var result = await validator.ValidateAsync(token.Trim(), cancellationToken);
        if (!result.IsValid) return new UserSignIn(null, "token: " + (result.Detail ?? "invalid"));
        var claims = result.Token!;
        if (string.IsNullOrWhiteSpace(claims.Subject))
        {
            return new UserSignIn(null, "token.sub: missing; a user JWT names the user in sub (an application JWT without it cannot sign in to the phone)");
        }
        var name = claims.Subject;
        if (name.Length > MaxUserNameLength) return new UserSignIn(null, $"token.sub: longer than {MaxUserNameLength} characters");
        if (name.Any(char.IsControl)) return new UserSignIn(null, "token.sub: contains control characters");
        if (claims.Acl is { } acl && !acl.Allows("POST", SessionsPath))
        {
            return new UserSignIn(null, $"token.acl: does not allow signing in (add \"/*/sessions/**\": {{}} to acl.paths; it allows {string.Join(", ", acl.Paths)})");
        }
        return new UserSignIn(new BrowserUser(result.Application!.Id, name) { CanPlaceCalls = claims.Acl?.Allows("POST", KnockingPath) ?? true }, null);
    }
}
