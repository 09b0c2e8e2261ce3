namespace Ncco.Host.Auth;

/// <summary>How application JWTs are checked (<c>Ncco:Auth</c>).</summary>
public sealed class AuthOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Ncco:Auth";

    /// <summary>
    /// Refuse a token whose <c>jti</c> was already used (401, "replayed jti"). Default false: as on Vonage, a valid token
    /// is accepted until its <c>exp</c>, however often it is sent (Vonage's guides export one <c>$JWT</c> for a series
    /// of curl calls, SDKs cache theirs, the browser phone signs in again with its token after a reload). Turn it on
    /// to make each token single-use; with it on, clients must mint a token per request, a reloaded browser phone
    /// must sign in with a new token, and on several nodes register an <see cref="IJtiReplayStore"/> they share.
    /// </summary>
    public bool RejectReplayedTokens { get; set; }

    /// <summary>
    /// Verified tokens remembered so that a reused token costs a dictionary lookup instead of an RS256 verification
    /// (0–1,000,000; default 4096; 0 turns the cache off). An entry lives until its token's <c>exp</c>, is checked
    /// against the application's current public key on every use (a replaced key or a deleted application ends it at
    /// once), and only tokens whose signature verified are ever added. When full, expired entries are dropped first,
    /// then the oldest-added ones.
    /// </summary>
    public int TokenCacheSize { get; set; } = 4096;

    /// <summary>
    /// Failed <c>Authorization: Basic</c> sign-ins (wrong API key or secret) one source address may make per minute
    /// before it gets 429 with <c>Retry-After</c> (0–10,000; default 10; 0 turns the throttle off). Only failures count
    /// and a success clears them, so the right secret is never locked out; see <see cref="SignInThrottle"/>.
    /// </summary>
    public int FailedSignInsPerMinute { get; set; } = 10;
}
