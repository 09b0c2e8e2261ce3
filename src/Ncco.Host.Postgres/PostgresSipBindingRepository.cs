using Ncco.Host.Persistence;
using Ncco.Sip.Registration;
using Npgsql;

namespace Ncco.Host.Postgres;

/// <summary>
/// The SIP registrar's bindings in PostgreSQL, the same rows as SQLite's <c>sip_bindings</c> (the user column is
/// <c>username</c>: <c>user</c> is reserved in PostgreSQL). Shared by every node, so a phone's registration is
/// restored by whichever node starts next.
/// </summary>
public sealed class PostgresSipBindingRepository(PostgresDatabase database) : ISipBindingRepository
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredSipBinding>> LoadAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await PurgeAsync(connection, null, now, cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT username, contact, expires_at, call_id, cseq, source_transport, source_address, source_port, path FROM sip_bindings ORDER BY expires_at, username, contact",
            connection);
        var rows = new List<StoredSipBinding>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (StoreRows.ReadSipBinding(reader) is { } row) rows.Add(row);
        }
        return rows;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SipBinding>> FindAsync(string user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            SELECT username, contact, expires_at, call_id, cseq, source_transport, source_address, source_port, path FROM sip_bindings
            WHERE username = @user AND expires_at > @now ORDER BY expires_at, contact
            """, connection);
        command.Text("user", user);
        command.Bigint("now", now.ToUnixTimeMilliseconds());
        var rows = new List<SipBinding>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (StoreRows.ReadSipBinding(reader) is { } row) rows.Add(row.Binding);
        }
        return rows;
    }

    /// <inheritdoc />
    public async Task SaveAsync(string user, IReadOnlyList<SipBinding> bindings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var delete = new NpgsqlCommand("DELETE FROM sip_bindings WHERE username = @user", connection, transaction))
        {
            delete.Text("user", user);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        foreach (var binding in bindings)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO sip_bindings (username, contact, expires_at, call_id, cseq, source_transport, source_address, source_port, path)
                VALUES (@user, @contact, @expires, @call, @cseq, @transport, @address, @port, @path)
                ON CONFLICT (username, contact) DO UPDATE SET expires_at = EXCLUDED.expires_at, call_id = EXCLUDED.call_id, cseq = EXCLUDED.cseq,
                    source_transport = EXCLUDED.source_transport, source_address = EXCLUDED.source_address, source_port = EXCLUDED.source_port, path = EXCLUDED.path
                """, connection, transaction);
            insert.Text("user", user);
            insert.Text("contact", binding.Contact.ToString());
            insert.Bigint("expires", binding.ExpiresAt.ToUnixTimeMilliseconds());
            insert.Text("call", binding.CallId);
            insert.Bigint("cseq", binding.CSeq);
            insert.Text("transport", binding.Source.Transport.ToString());
            insert.Text("address", binding.Source.Address.Address.ToString());
            insert.Integer("port", binding.Source.Address.Port);
            insert.Text("path", StoreRows.PathText(binding.Path));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await PurgeAsync(connection, transaction, now, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task PurgeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var purge = new NpgsqlCommand("DELETE FROM sip_bindings WHERE expires_at <= @now", connection, transaction);
        purge.Bigint("now", now.ToUnixTimeMilliseconds());
        await purge.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
