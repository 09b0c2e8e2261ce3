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
        (2, """
            CREATE TABLE calls (
                uuid TEXT PRIMARY KEY,
                application_id TEXT NOT NULL,
                conversation_uuid TEXT NOT NULL,
                direction TEXT NOT NULL,
                status TEXT NOT NULL,
                to_type TEXT NOT NULL, to_key TEXT NOT NULL, to_value TEXT NOT NULL,
                from_type TEXT, from_key TEXT, from_value TEXT,
                created_at INTEGER NOT NULL,
                start_time INTEGER,
                end_time INTEGER
            );
            CREATE INDEX calls_by_application ON calls (application_id, created_at);
            CREATE INDEX calls_by_conversation ON calls (conversation_uuid);
            CREATE TABLE call_events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                call_uuid TEXT NOT NULL,
                at INTEGER NOT NULL,
                kind TEXT NOT NULL,
                payload TEXT
            );
            CREATE INDEX call_events_by_call ON call_events (call_uuid, id);

            """),
        (3, """
            CREATE TABLE recordings (
                file_id TEXT PRIMARY KEY,
                application_id TEXT NOT NULL,
                conversation_uuid TEXT NOT NULL,
                leg_uuid TEXT,
                kind TEXT NOT NULL,
                content_type TEXT NOT NULL,
                size_bytes INTEGER NOT NULL,
                created_at INTEGER NOT NULL
            );
            CREATE INDEX recordings_by_application ON recordings (application_id, created_at);

            """),
        (4, """
            CREATE TABLE sip_bindings (
                user TEXT NOT NULL,
                contact TEXT NOT NULL,
                expires_at INTEGER NOT NULL,
                call_id TEXT NOT NULL,
                cseq INTEGER NOT NULL,
                source_transport TEXT NOT NULL,
                source_address TEXT NOT NULL,
                source_port INTEGER NOT NULL,
                PRIMARY KEY (user, contact)
            );
            CREATE INDEX sip_bindings_by_expiry ON sip_bindings (expires_at);

            """),
        (5, """
            CREATE TABLE numbers (
                msisdn TEXT PRIMARY KEY,
                country TEXT NOT NULL,
                application_id TEXT,
                created_at INTEGER NOT NULL
            );
            CREATE INDEX numbers_by_application ON numbers (application_id);

            """),
        (6, """
            ALTER TABLE sip_bindings ADD COLUMN path TEXT NOT NULL DEFAULT '[]';

            """),
    ];
}
