namespace Ncco.Host.Legs.Sip;

/// <summary>
/// A softphone user, an entry of <c>Ncco:Sip:Users:&lt;name&gt;</c>: it registers with the host's registrar and its
/// calls are digest-authenticated. Checked at startup by <see cref="SipSettings.From"/>.
/// </summary>
public sealed class SipUserOptions
{
    /// <summary>The user's digest password (never logged). Required.</summary>
    public string Password { get; set; } = "";

    /// <summary>The application (id, a UUID) whose answer webhook takes the calls this user places. Required.</summary>
    public string Application { get; set; } = "";
}
