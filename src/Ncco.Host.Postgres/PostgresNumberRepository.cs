using System.Globalization;
using System.Text;
using Ncco.Host.Numbers;
using Npgsql;

namespace Ncco.Host.Postgres;

/// <summary>
/// The numbers the host answers, in PostgreSQL (table <c>numbers</c>, migration 7), with the SQLite repository's
/// semantics: adding a number that is there changes nothing and answers false, lists are in number order. Every node on
/// the database sees a change at its next lookup (nothing is cached).
/// </summary>
public sealed class PostgresNumberRepository(PostgresDatabase database) : INumberRepository
{
    private const string Columns = "SELECT msisdn, country, application_id, created_at FROM numbers";

    /// <inheritdoc />
    public async Task<bool> AddAsync(AccountNumber number, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(number);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "INSERT INTO numbers (msisdn, country, application_id, created_at) VALUES (@msisdn, @country, @app, @created) ON CONFLICT (msisdn) DO NOTHING", connection);
        command.Text("msisdn", number.Msisdn);
        command.Text("country", number.Country);
        command.Text("app", number.ApplicationId);
        command.Bigint("created", number.CreatedAt.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<AccountNumber?> FindAsync(string msisdn, CancellationToken cancellationToken)
    {
        return await database.RetryingAsync(msisdn, static async (connection, msisdn, cancellationToken) =>
        {
            await using var command = new NpgsqlCommand(Columns + " WHERE msisdn = @msisdn", connection);
            command.Text("msisdn", msisdn);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<(IReadOnlyList<AccountNumber> Items, int Total)> ListAsync(NumberQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var where = new StringBuilder(" WHERE TRUE");
        if (query.Country is not null) where.Append(" AND country = @country");
        if (query.ApplicationId is not null) where.Append(" AND application_id = @app");
        if (query.HasApplication is { } has) where.Append(has ? " AND application_id IS NOT NULL" : " AND application_id IS NULL");
        if (query.Pattern is not null) where.Append(" AND msisdn LIKE @pattern");
        void Filter(NpgsqlCommand command)
        {
            if (query.Country is { } country) command.Text("country", country);
            if (query.ApplicationId is { } app) command.Text("app", app);
            if (query.Pattern is { } pattern)
            {
                // The pattern is digits only (checked by the endpoint), so it needs no LIKE escaping.
                command.Text("pattern", query.SearchPattern switch { 0 => pattern + "%", 2 => "%" + pattern, _ => "%" + pattern + "%" });
            }
        }

        await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM numbers" + where, connection);
        Filter(count);
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);

        // COLLATE "C": numbers order byte-wise, as in SQLite, whatever the database's default collation is.
        await using var command = new NpgsqlCommand(Columns + where + " ORDER BY msisdn COLLATE \"C\" LIMIT @limit OFFSET @offset", connection);
        Filter(command);
        command.Integer("limit", query.Limit);
        command.Integer("offset", query.Offset);
        var items = new List<AccountNumber>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) items.Add(Read(reader));
        return (items, total);
    }

    /// <inheritdoc />
    public async Task<bool> LinkAsync(string msisdn, string? applicationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("UPDATE numbers SET application_id = @app WHERE msisdn = @msisdn", connection);
        command.Text("msisdn", msisdn);
        command.Text("app", applicationId);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(string msisdn, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM numbers WHERE msisdn = @msisdn", connection);
        command.Text("msisdn", msisdn);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static AccountNumber Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));
}
