using Ncco.Host.Configuration;

namespace Ncco.Host.Auth;

/// <summary>
/// Where the account's generated credentials are kept, so they survive restarts: <c>account.json</c> in the data
/// directory with SQLite (<see cref="AccountCredentialsStore"/>), one row in the shared database with PostgreSQL, so
/// every node of a cluster answers to the same API key and signs webhooks with the same secret.
/// </summary>
public interface IAccountCredentialsStore
{
    /// <summary>
    /// The configured values (<paramref name="configured"/>) over the stored ones; when nothing is stored yet, new
    /// random ones are generated and stored first (by exactly one node when several start at once).
    /// </summary>
    Task<AccountCredentials> LoadAsync(AccountOptions configured, CancellationToken cancellationToken);
}
