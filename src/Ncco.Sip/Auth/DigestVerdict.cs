namespace Ncco.Sip.Auth;

/// <summary>The result of checking a request's credentials.</summary>
public enum DigestVerdict
{
    /// <summary>Valid credentials for a known user.</summary>
    Accepted,
    /// <summary>No credentials for our realm: challenge.</summary>
    Missing,
    /// <summary>Wrong password, unknown user, malformed or forged nonce: challenge again (or 403).</summary>
    Rejected,
    /// <summary>Right password on an expired nonce: challenge with stale=true.</summary>
    Stale,
}
