using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Ncco.Host.Numbers;

namespace Ncco.Host.Persistence;

/// <summary>The numbers the host answers, in SQLite (table <c>numbers</c>, migration 5).</summary>
public sealed class SqliteNumberRepository(SqliteDatabase database) : INumberRepository
{
    /// <inheritdoc />
    public async Task<bool> AddAsync(AccountNumber number, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(number);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT OR IGNORE INTO numbers (msisdn, country, application_id, created_at) VALUES ($msisdn, $country, $app, $created)";
        command.Parameters.AddWithValue("$msisdn", number.Msisdn);
        command.Parameters.AddWithValue("$country", number.Country);
        command.Parameters.AddWithValue("$app", (object?)number.ApplicationId ?? DBNull.Value);
        command.Parameters.AddWithValue("$created", number.CreatedAt.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <inheritdoc />
    public async Task<AccountNumber?> FindAsync(string msisdn, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT msisdn, country, application_id, created_at FROM numbers WHERE msisdn = $msisdn";
        command.Parameters.AddWithValue("$msisdn", msisdn);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <inheritdoc />
    public async Task<(IReadOnlyList<AccountNumber> Items, int Total)> ListAsync(NumberQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await database.OpenAsync(cancellationToken);
        var where = new StringBuilder(" WHERE 1 = 1");
        void Filter(SqliteCommand command)
        {
            if (query.Country is { } country) command.Parameters.AddWithValue("$country", country);
            if (query.ApplicationId is { } app) command.Parameters.AddWithValue("$app", app);
            if (query.Pattern is { } pattern)
            {
                // The pattern is digits only (checked by the endpoint), so it needs no LIKE escaping.
                command.Parameters.AddWithValue("$pattern", query.SearchPattern switch { 0 => pattern + "%", 2 => "%" + pattern, _ => "%" + pattern + "%" });
            }
        }
        if (query.Country is not null) where.Append(" AND country = $country");
        if (query.ApplicationId is not null) where.Append(" AND application_id = $app");
        if (query.HasApplication is { } has) where.Append(has ? " AND application_id IS NOT NULL" : " AND application_id IS NULL");
        if (query.Pattern is not null) where.Append(" AND msisdn LIKE $pattern");

        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM numbers" + where;
        Filter(count);
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT msisdn, country, application_id, created_at FROM numbers" + where + " ORDER BY msisdn LIMIT $limit OFFSET $offset";
        Filter(command);
        command.Parameters.AddWithValue("$limit", query.Limit);
        command.Parameters.AddWithValue("$offset", query.Offset);
        var items = new List<AccountNumber>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) items.Add(Read(reader));
        return (items, total);
    }

    /// <inheritdoc />
    public async Task<bool> LinkAsync(string msisdn, string? applicationId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE numbers SET application_id = $app WHERE msisdn = $msisdn";
        command.Parameters.AddWithValue("$msisdn", msisdn);
        command.Parameters.AddWithValue("$app", (object?)applicationId ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(string msisdn, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM numbers WHERE msisdn = $msisdn";
        command.Parameters.AddWithValue("$msisdn", msisdn);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static AccountNumber Read(SqliteDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));
}
