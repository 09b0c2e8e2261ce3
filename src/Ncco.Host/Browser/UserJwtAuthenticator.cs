using System.Text.Json;
using Ncco.Host.Auth;

namespace Ncco.Host.Browser;

/// <summary>The outcome of signing in to the browser phone: the user, or which field was wrong and why.</summary>
/// <param name="User">The signed-in user, when the token is valid.</param>
/// <param name="Reason">Why the token was refused (names the claim), when it is not.</param>
public sealed record UserSignIn(BrowserUser? User, string? Reason);

/// <summary>
/// Checks a browser phone user's JWT: an application JWT (RS256, <c>application_id</c>, <c>iat</c>, <c>jti</c>, checked by
/// <see cref="ApplicationJwtValidator"/>, so a token is accepted once) that also names the user in <c>sub</c>, as the
/// JWTs of Vonage Client SDK users do. <c>acl</c> is accepted and not enforced: the phone only places and takes calls.
/// </summary>
public sealed class UserJwtAuthenticator(ApplicationJwtValidator validator)
{
    /// <summary>Longest user name accepted (a name is echoed into webhooks and logs).</summary>
    public const int MaxUserNameLength = 100;

    /// <summary>Validates <paramref name="token"/>.</summary>
    public async Task<UserSignIn> SignInAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token)) return new UserSignIn(null, "token: missing; sign in with a user JWT (an application JWT with a sub claim)");
        token = token.Trim();
        var result = await validator.ValidateAsync(token, cancellationToken);
        if (!result.IsValid) return new UserSignIn(null, "token: " + (result.Detail ?? "invalid"));
        // The validator has checked the signature, so the payload can be read as is.
        var payload = System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]);
        using var claims = JsonDocument.Parse(payload);
        if (!claims.RootElement.TryGetProperty("sub", out var sub) || sub.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(sub.GetString()))
        {
            return new UserSignIn(null, "token.sub: missing; a user JWT names the user in sub (an application JWT without it cannot sign in to the phone)");
        }
        var name = sub.GetString()!;
        if (name.Length > MaxUserNameLength) return new UserSignIn(null, $"token.sub: longer than {MaxUserNameLength} characters");
        if (name.Any(char.IsControl)) return new UserSignIn(null, "token.sub: contains control characters");
        return new UserSignIn(new BrowserUser(result.Application!.Id, name), null);
    }
}
