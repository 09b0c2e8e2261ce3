namespace Ncco.Host.Postgres;

/// <summary>
/// The PostgreSQL schema as an append-only list of migrations, table for table the SQLite one
/// (<c>src/Ncco.Host/Persistence/Migrations.cs</c>) plus what only a shared database needs (the account row, the
/// cluster's nodes, the owner of each call). Never edit a released entry: add a new one. Times are Unix milliseconds
/// (<c>BIGINT</c>) as in SQLite, so both providers filter and order the same way; <c>seq</c> columns keep insertion
/// order where SQLite has its <c>rowid</c>.
/// </summary>
internal static class PostgresMigrations
{
    public static IReadOnlyList<(int Version, string Sql)> All { get; } =
    [
        (1, """
            CREATE TABLE applications (
                seq BIGINT GENERATED ALWAYS AS IDENTITY,
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                document TEXT NOT NULL
            );
            CREATE INDEX applications_by_seq ON applications (seq);
            """),
        (2, """
            CREATE TABLE calls (
                seq BIGINT GENERATED ALWAYS AS IDENTITY,
                uuid TEXT PRIMARY KEY,
                application_id TEXT NOT NULL,
                conversation_uuid TEXT NOT NULL,
                direction TEXT NOT NULL,
                status TEXT NOT NULL,
                to_type TEXT NOT NULL, to_key TEXT NOT NULL, to_value TEXT NOT NULL,
                from_type TEXT, from_key TEXT, from_value TEXT,
                created_at BIGINT NOT NULL,
                start_time BIGINT,
                end_time BIGINT,
                owner_node TEXT NOT NULL
            );
            CREATE INDEX calls_by_application ON calls (application_id, created_at, seq);
            CREATE INDEX calls_by_conversation ON calls (conversation_uuid);
            CREATE INDEX calls_unfinished ON calls (owner_node) WHERE end_time IS NULL;
            CREATE TABLE call_events (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                call_uuid TEXT NOT NULL,
                at BIGINT NOT NULL,
                kind TEXT NOT NULL,
                payload TEXT,
                owner_node TEXT NOT NULL
            );
            CREATE INDEX call_events_by_call ON call_events (call_uuid, id);
            CREATE INDEX call_events_by_node ON call_events (owner_node, at);
            """),
        (3, """
            CREATE TABLE recordings (
                seq BIGINT GENERATED ALWAYS AS IDENTITY,
                file_id TEXT PRIMARY KEY,
                application_id TEXT NOT NULL,
                conversation_uuid TEXT NOT NULL,
                leg_uuid TEXT,
                kind TEXT NOT NULL,
                content_type TEXT NOT NULL,
                size_bytes BIGINT NOT NULL,
                created_at BIGINT NOT NULL
            );
            CREATE INDEX recordings_by_application ON recordings (application_id, created_at, seq);
            CREATE INDEX recordings_by_time ON recordings (created_at, seq);
            """),
        (4, """
            CREATE TABLE sip_bindings (
                username TEXT NOT NULL,
                contact TEXT NOT NULL,
                expires_at BIGINT NOT NULL,
                call_id TEXT NOT NULL,
                cseq BIGINT NOT NULL,
                source_transport TEXT NOT NULL,
                source_address TEXT NOT NULL,
                source_port INTEGER NOT NULL,
                PRIMARY KEY (username, contact)
            );
            CREATE INDEX sip_bindings_by_expiry ON sip_bindings (expires_at);
            """),
        (5, """
            CREATE TABLE account (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                api_key TEXT NOT NULL,
                api_secret TEXT NOT NULL,
                signature_secret TEXT NOT NULL
            );
            """),
        (6, """
            CREATE TABLE cluster_nodes (
                node_id TEXT PRIMARY KEY,
                incarnation BIGINT NOT NULL,
                internal_url TEXT NOT NULL,
                started_at TIMESTAMPTZ NOT NULL,
                heartbeat_at TIMESTAMPTZ NOT NULL
            );
            """),
        (7, """
            CREATE TABLE numbers (
                msisdn TEXT PRIMARY KEY,
                country TEXT NOT NULL,
                application_id TEXT,
                created_at BIGINT NOT NULL
            );
            CREATE INDEX numbers_by_application ON numbers (application_id);
            """),
        (8, """
            CREATE TABLE jwt_replay (
                application_id TEXT NOT NULL,
                jti TEXT NOT NULL,
                expires_at BIGINT NOT NULL,
                PRIMARY KEY (application_id, jti)
            );
            CREATE INDEX jwt_replay_by_expiry ON jwt_replay (expires_at);
            CREATE TABLE outbound_call_starts (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                at TIMESTAMPTZ NOT NULL
            );
            CREATE INDEX outbound_call_starts_by_time ON outbound_call_starts (at);
            """),
        (9, """
            ALTER TABLE sip_bindings ADD COLUMN path TEXT NOT NULL DEFAULT '[]';
            CREATE INDEX sip_bindings_by_user ON sip_bindings (username);
            """),
        (10, """
            CREATE TABLE conversation_hosts (
                application_id TEXT NOT NULL,
                name TEXT NOT NULL,
                conversation_id TEXT NOT NULL,
                node_id TEXT NOT NULL,
                incarnation BIGINT NOT NULL,
                claimed_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (application_id, name)
            );
            CREATE INDEX conversation_hosts_by_node ON conversation_hosts (node_id);
            """),
        // Which node wrote a leg's end: its owner (the journal) or the live node that ended it for a dead owner (the sweep, a
        // REST touch). A node back from a cut reads it to know whether to send the final events it held (FinalEventHold).
        (11, """
            ALTER TABLE calls ADD COLUMN ended_by TEXT;
            """),
        // Redirect before answer: each node's SIP address (the 302's Contact names the host's), and the hand-off records a
        // redirected INVITE's token finds on the host (taken once, short-lived).
        (12, """
            ALTER TABLE cluster_nodes ADD COLUMN sip_uri TEXT;
            CREATE TABLE inbound_handoffs (
                token TEXT PRIMARY KEY,
                application_id TEXT NOT NULL,
                leg_uuid TEXT NOT NULL,
                conversation_uuid TEXT NOT NULL,
                from_node TEXT NOT NULL,
                to_node TEXT NOT NULL,
                document TEXT NOT NULL,
                expires_at TIMESTAMPTZ NOT NULL
            );
            CREATE INDEX inbound_handoffs_by_expiry ON inbound_handoffs (expires_at);
            """),
    ];
}
