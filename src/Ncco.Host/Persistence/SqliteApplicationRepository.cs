using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Ncco.Host.Applications;

namespace Ncco.Host.Persistence;

/// <summary>Applications in SQLite: the wire JSON as the document, with id, name and creation time as columns.</summary>
/// <remarks>
/// Every inbound call reads its application, so <see cref="FindAsync"/> keeps what it read: the SQLite file belongs to
/// this host alone (a cluster shares PostgreSQL, whose repository does not cache), so every change goes through this
/// instance, which drops the entry when it writes. A read that raced with a write is not kept (<see cref="_generation"/>).
/// </remarks>
public sealed class SqliteApplicationRepository(SqliteDatabase database, TimeProvider time) : IApplicationRepository
{
    /// <summary>The most applications kept; past it a read is served from the file and not kept (bounded memory).</summary>
    public const int MaxCached = 4096;

    private readonly ConcurrentDictionary<string, Application> _cache = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    // Bumped (under _gate) by every write after it reaches the file: a read that started under an older generation may
    // hold what that write replaced, so it is returned but not cached.
    private long _generation;

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
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            Forget(application.Id);
        }
    }

    /// <inheritdoc />
    public async Task<Application?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(id, out var cached)) return cached;
        var generation = Volatile.Read(ref _generation);
        var application = await ReadAsync(id, cancellationToken);
        if (application is null) return null;
        lock (_gate)
        {
            if (_generation == generation && _cache.Count < MaxCached) _cache[id] = application;
        }
        return application;
    }

    private async Task<Application?> ReadAsync(string id, CancellationToken cancellationToken)
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
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }
        finally
        {
            Forget(application.Id);
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM applications WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }
        finally
        {
            Forget(id);
        }
    }

    /// <summary>Drops <paramref name="id"/>'s entry after a write (whether or not it reached the file: it may have).</summary>
    private void Forget(string id)
    {
        lock (_gate)
        {
            _generation++;
            _cache.TryRemove(id, out _);
        }
    }
}
