using Ncco.Sip.Registration;

namespace Ncco.Host.Persistence;

/// <summary>
/// The SIP registrar's bindings (softphone users of <c>Ncco:Sip:Users</c>), so a restart — or, with a shared store,
/// another node — keeps registered phones reachable until their registrations expire. Rows past their expiry are
/// purged on every load and write.
/// </summary>
public interface ISipBindingRepository
{
    /// <summary>Purges expired rows and returns the live ones, oldest expiry first.</summary>
    Task<IReadOnlyList<StoredSipBinding>> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Replaces <paramref name="user"/>'s rows with <paramref name="bindings"/> (none removes them) and purges expired rows.</summary>
    Task SaveAsync(string user, IReadOnlyList<SipBinding> bindings, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>A stored binding of <paramref name="User"/>.</summary>
/// <param name="User">The registered user (<c>Ncco:Sip:Users</c> name).</param>
/// <param name="Binding">The contact, its expiry and where the REGISTER came from.</param>
public sealed record StoredSipBinding(string User, SipBinding Binding);
