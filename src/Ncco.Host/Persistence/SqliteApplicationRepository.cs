using System.Globalization;
using Microsoft.Data.Sqlite;
using Ncco.Host.Applications;

namespace Ncco.Host.Persistence;

/// <summary>Applications in SQLite: the wire JSON as the document, with id, name and creation time as columns.</summary>
public sealed class SqliteApplicationRepository(SqliteDatabase database, TimeProvider time) : IApplicationRepository
{
    /// <inheritdoc />
    public async Task AddAsync(Application application, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO applications (id, name, created_at, document) VALUES ($id, $name, $created, $document)";
        command.Parameters.AddWithValue("$id", application.Id);
        command.Parameters.AddWithValue("$name", application.Name);
        command.Parameters.AddWithValue("$created", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$document", ApplicationJson.Serialize(application));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Application?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM applications WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteScalarAsync(cancellationToken) is string document ? ApplicationJson.Deserialize(document) : null;
    }

    /// <inheritdoc />
    public async Task<(IReadOnlyList<Application> Items, int Total)> ListAsync(int offset, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM applications";
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM applications ORDER BY rowid LIMIT $limit OFFSET $offset";
        command.Parameters.AddWithValue("$limit", limit);
        command.Parameters.AddWithValue("$offset", offset);
        var items = new List<Application>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) items.Add(ApplicationJson.Deserialize(reader.GetString(0)));
        return (items, total);
    }

    /// <inheritdoc />
    public async Task<bool> ReplaceAsync(Application application, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE applications SET name = $name, document = $document WHERE id = $id";
        command.Parameters.AddWithValue("$id", application.Id);
        command.Parameters.AddWithValue("$name", application.Name);
        command.Parameters.AddWithValue("$document", ApplicationJson.Serialize(application));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM applications WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
