namespace Ncco.Sip.Auth;

/// <summary>What we answer digest challenges with (to a trunk).</summary>
/// <param name="Username">Authentication user name.</param>
/// <param name="Password">Password.</param>
/// <param name="Realm">Only answer challenges for this realm; null answers any.</param>
public sealed record DigestCredentials(string Username, string Password, string? Realm = null)
{
    /// <inheritdoc />
    public override string ToString() => $"DigestCredentials {{ Username = {Username}, Realm = {Realm} }}";
}
