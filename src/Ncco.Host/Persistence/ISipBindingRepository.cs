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

    /// <summary>
    /// The live bindings of <paramref name="user"/>, oldest expiry first: how a node finds a phone that registered
    /// through another node of a cluster. The default reads them all; a shared store answers from its index.
    /// </summary>
    async Task<IReadOnlyList<SipBinding>> FindAsync(string user, DateTimeOffset now, CancellationToken cancellationToken) =>
        [.. (await LoadAsync(now, cancellationToken).ConfigureAwait(false))
            .Where(row => string.Equals(row.User, user, StringComparison.OrdinalIgnoreCase)).Select(row => row.Binding)];

    /// <summary>Replaces <paramref name="user"/>'s rows with <paramref name="bindings"/> (none removes them) and purges expired rows.</summary>
    Task SaveAsync(string user, IReadOnlyList<SipBinding> bindings, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>A stored binding of <paramref name="User"/>.</summary>
/// <param name="User">The registered user (<c>Ncco:Sip:Users</c> name).</param>
/// <param name="Binding">The contact, its expiry and where the REGISTER came from.</param>
public sealed record StoredSipBinding(string User, SipBinding Binding);
