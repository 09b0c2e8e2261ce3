namespace Ncco.Host.Browser;

/// <summary>An application user signed in to the browser phone (the JWT's <c>sub</c>, as Vonage Client SDK users are).</summary>
/// <param name="ApplicationId">The application whose key signed the user's JWT.</param>
/// <param name="Name">The user name (<c>sub</c>): what <c>{"type":"app","user":…}</c> endpoints name.</param>
public sealed record BrowserUser(string ApplicationId, string Name)
{
    /// <summary>The token's <c>acl</c> lets the user start calls (<c>/*/knocking/**</c>); true without an <c>acl</c>.</summary>
    public bool CanPlaceCalls { get; init; } = true;
}
