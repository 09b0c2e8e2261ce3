using Ncco.Host.Applications;
using Npgsql;

namespace Ncco.Host.Postgres;

/// <summary>Applications in PostgreSQL: the wire JSON as the document, id, name and creation time as columns (as in SQLite).</summary>
public sealed class PostgresApplicationRepository(PostgresDatabase database, TimeProvider time) : IApplicationRepository
{
    /// <inheritdoc />
    public async Task AddAsync(Application application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("INSERT INTO applications (id, name, created_at, document) VALUES (@id, @name, @created, @document)", connection);
        command.Text("id", application.Id);
        command.Text("name", application.Name);
        command.Bigint("created", time.GetUtcNow().ToUnixTimeMilliseconds());
        command.Text("document", ApplicationJson.Serialize(application));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Application?> FindAsync(string id, CancellationToken cancellationToken)
    {
        return await database.RetryingAsync(id, static async (connection, id, cancellationToken) =>
        {
            await using var command = new NpgsqlCommand("SELECT document FROM applications WHERE id = @id", connection);
            command.Text("id", id);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string document ? ApplicationJson.Deserialize(document) : null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<(IReadOnlyList<Application> Items, int Total)> ListAsync(int offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM applications", connection);
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        await using var command = new NpgsqlCommand("SELECT document FROM applications ORDER BY seq LIMIT @limit OFFSET @offset", connection);
        command.Integer("limit", limit);
        command.Integer("offset", offset);
        var items = new List<Application>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) items.Add(ApplicationJson.Deserialize(reader.GetString(0)));
        return (items, total);
    }

    /// <inheritdoc />
    public async Task<bool> ReplaceAsync(Application application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(application);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("UPDATE applications SET name = @name, document = @document WHERE id = @id", connection);
        command.Text("id", application.Id);
        command.Text("name", application.Name);
        command.Text("document", ApplicationJson.Serialize(application));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("DELETE FROM applications WHERE id = @id", connection);
        command.Text("id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }
}
