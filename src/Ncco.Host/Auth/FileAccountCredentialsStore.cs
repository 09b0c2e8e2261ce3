using Ncco.Host.Configuration;

namespace Ncco.Host.Auth;

/// <summary>The SQLite provider's credentials: <c>account.json</c> in the data directory (<see cref="AccountCredentialsStore"/>).</summary>
public sealed class FileAccountCredentialsStore(string dataDirectory) : IAccountCredentialsStore
{
    /// <inheritdoc />
    public Task<AccountCredentials> LoadAsync(AccountOptions configured, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configured);
        return Task.FromResult(AccountCredentialsStore.Load(dataDirectory, configured.ApiKey, configured.ApiSecret, configured.SignatureSecret));
    }
}
