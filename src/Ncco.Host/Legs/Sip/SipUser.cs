namespace Ncco.Host.Legs.Sip;

/// <summary>A <see cref="SipUserOptions"/> checked at startup.</summary>
/// <param name="Name">The user name (user part of its address of record and its digest user name).</param>
/// <param name="Password">The digest password.</param>
/// <param name="ApplicationId">The application that answers this user's calls.</param>
internal sealed record SipUser(string Name, string Password, string ApplicationId)
{
    /// <summary>Hides the password from logs and exception messages that print the record.</summary>
    public override string ToString() => $"SipUser {{ Name = {Name}, ApplicationId = {ApplicationId} }}";
}
