namespace Ncco.Host.Auth;

/// <summary>
/// Where the <c>jti</c> of each accepted application JWT is remembered when replay rejection is on
/// (<see cref="AuthOptions.RejectReplayedTokens"/>). The host registers the in-memory <see cref="JtiReplayCache"/>, which
/// protects one node; a cluster registers its own implementation over a store every node shares (Redis
/// <c>SET key NX PX</c>, a PostgreSQL unique row) before <c>AddNccoHost</c>, and the validator uses that instead.
/// </summary>
public interface IJtiReplayStore
{
    /// <summary>
    /// Records that <paramref name="applicationId"/> used <paramref name="jti"/>, to be remembered until
    /// <paramref name="expiresAt"/> (the token's <c>exp</c>). False when it was already used and has not expired.
    /// Called only for tokens whose signature verified, so forged tokens cannot fill the store.
    /// </summary>
    ValueTask<bool> TryRecordAsync(string applicationId, string jti, DateTimeOffset expiresAt, CancellationToken cancellationToken);
}
