using System.Globalization;
using Ncco.Sip.Registration;

namespace Ncco.Host.Persistence;

/// <summary>
/// The SIP registrar's bindings (softphone users of <c>Ncco:Sip:Users</c>) in SQLite, so a restart keeps registered
/// phones reachable until their registrations expire. Rows past their expiry are purged on every load and write.
/// </summary>
public sealed class SqliteSipBindingRepository(SqliteDatabase database) : ISipBindingRepository
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredSipBinding>> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await PurgeAsync(connection, now, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT user, contact, expires_at, call_id, cseq, source_transport, source_address, source_port, path FROM sip_bindings ORDER BY expires_at";
        var rows = new List<StoredSipBinding>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (StoreRows.ReadSipBinding(reader) is { } row) rows.Add(row);
        }
        return rows;
    }

    /// <inheritdoc />
    public async Task SaveAsync(string user, IReadOnlyList<SipBinding> bindings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var delete = connection.CreateCommand())
        {
            delete.CommandText = "DELETE FROM sip_bindings WHERE user = $user";
            delete.Parameters.AddWithValue("$user", user);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var binding in bindings)
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT OR REPLACE INTO sip_bindings (user, contact, expires_at, call_id, cseq, source_transport, source_address, source_port, path)
                VALUES ($user, $contact, $expires, $call, $cseq, $transport, $address, $port, $path)
                """;
            insert.Parameters.AddWithValue("$user", user);
            insert.Parameters.AddWithValue("$contact", binding.Contact.ToString());
            insert.Parameters.AddWithValue("$expires", binding.ExpiresAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$call", binding.CallId);
            insert.Parameters.AddWithValue("$cseq", binding.CSeq);
            insert.Parameters.AddWithValue("$transport", binding.Source.Transport.ToString());
            insert.Parameters.AddWithValue("$address", binding.Source.Address.Address.ToString());
            insert.Parameters.AddWithValue("$port", binding.Source.Address.Port);
            insert.Parameters.AddWithValue("$path", StoreRows.PathText(binding.Path));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await PurgeAsync(connection, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task PurgeAsync(Microsoft.Data.Sqlite.SqliteConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var purge = connection.CreateCommand();
        purge.CommandText = "DELETE FROM sip_bindings WHERE expires_at <= $now";
        purge.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        await purge.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Rows stored now (for tests and diagnostics).</summary>
    internal async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sip_bindings";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
