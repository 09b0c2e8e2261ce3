namespace Ncco.Host.Persistence;

/// <summary>
/// The schema, as an append-only list of migrations. Never edit a released entry: add a new one, so every existing
/// database reaches the same schema.
/// </summary>
internal static class Migrations
{
    public static IReadOnlyList<(int Version, string Sql)> All { get; } =
    [
        (1, """
            CREATE TABLE applications (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                created_at TEXT NOT NULL,
                document TEXT NOT NULL
            );
            
            """),
    ];
}
