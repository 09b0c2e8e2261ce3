using Ncco.Host.Auth;
using Ncco.Host.Configuration;
using Npgsql;

namespace Ncco.Host.Postgres;

/// <summary>
/// The account's credentials as the one row of the <c>account</c> table, so every node answers to the same API key
/// and signs webhooks with the same secret. The first node to start generates them (<c>INSERT … ON CONFLICT DO
/// NOTHING</c>: when nodes start together exactly one insert wins and all read the winner's); configured values
/// (<c>Ncco:Account</c>) override the stored ones on the node that sets them and are never written to the database.
/// </summary>
public sealed class PostgresAccountCredentialsStore(PostgresDatabase database) : IAccountCredentialsStore
{
    /// <inheritdoc />
    public async Task<AccountCredentials> LoadAsync(AccountOptions configured, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(configured);
        // The credentials may be resolved before UseNccoHostAsync migrated the store; migrating is idempotent.
        await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var generated = AccountCredentialsStore.Generate();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO account (id, api_key, api_secret, signature_secret) VALUES (1, @key, @secret, @signature) ON CONFLICT (id) DO NOTHING", connection))
        {
            insert.Text("key", generated.ApiKey);
            insert.Text("secret", generated.ApiSecret);
            insert.Text("signature", generated.SignatureSecret);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var read = new NpgsqlCommand("SELECT api_key, api_secret, signature_secret FROM account WHERE id = 1", connection);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) throw new InvalidOperationException("The account row vanished while it was being read.");
        return new AccountCredentials(configured.ApiKey ?? reader.GetString(0), configured.ApiSecret ?? reader.GetString(1), configured.SignatureSecret ?? reader.GetString(2));
    }
}
