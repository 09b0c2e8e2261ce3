using Ncco.Sip.Auth;

namespace Ncco.Sip.Dialogs;

/// <summary>Settings of the UA core.</summary>
public sealed record SipUserAgentOptions
{
    /// <summary>User part of our Contact and default From.</summary>
    public string User { get; init; } = "ncco";

    /// <summary>Value of User-Agent (requests) and Server (responses).</summary>
    public string Product { get; init; } = "Ncco";

    /// <summary>Smallest session interval we accept (RFC 4028 Min-SE); requests below get 422.</summary>
    public TimeSpan MinSessionExpires { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Credentials for answering 401/407 challenges from trunks, or null.</summary>
    public DigestCredentials? Credentials { get; init; }

    /// <summary>When set, REGISTER requests are served by this registrar (otherwise they get 405).</summary>
    public Registration.SipRegistrar? Registrar { get; init; }

    /// <summary>When set, incoming INVITEs must carry valid digest credentials (server side of digest auth).</summary>
    public DigestAuthenticator? Authenticator { get; init; }
}
