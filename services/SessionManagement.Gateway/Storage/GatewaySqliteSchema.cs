using SessionManagement.Hosting.Storage.Sqlite;

namespace SessionManagement.Gateway.Storage;

internal static class GatewaySqliteSchema
{
    public static readonly SqliteMigration V1 = new("gateway", 1, """
        CREATE TABLE delivery_journal (
            event_id TEXT PRIMARY KEY,
            received_at TEXT NOT NULL,
            session_id TEXT NOT NULL,
            hook_event_name TEXT NOT NULL,
            status TEXT NOT NULL,
            channel TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            reason TEXT NULL,
            raw_input BLOB NULL,
            raw_path TEXT NULL);
        CREATE INDEX ix_delivery_journal_received_at ON delivery_journal (received_at DESC);
        CREATE INDEX ix_delivery_journal_status_received_at ON delivery_journal (status, received_at DESC);

        CREATE TABLE hook_registry (
            host TEXT NOT NULL,
            project_dir TEXT NOT NULL,
            hook_event_name TEXT NOT NULL,
            count INTEGER NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            bridge_version TEXT NOT NULL,
            PRIMARY KEY (host, project_dir, hook_event_name));

        CREATE TABLE transcript_cursors (
            session_id TEXT NOT NULL,
            transcript_path TEXT NOT NULL,
            byte_offset INTEGER NOT NULL,
            fingerprint TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (session_id, transcript_path));
        """);

    public static readonly SqliteMigration V2 = new("gateway", 2, """
        ALTER TABLE delivery_journal ADD COLUMN raw_sha256 TEXT NULL;
        """);

    /// <summary>A restored file's offsets in the store (<see cref="Transcripts.TranscriptCursor.Shift"/>).</summary>
    public static readonly SqliteMigration V3 = new("gateway", 3, """
        ALTER TABLE transcript_cursors ADD COLUMN shift INTEGER NOT NULL DEFAULT 0;
        """);

    /// <summary>Sessions deleted for good, whose transcripts are not taken in again (<see cref="Transcripts.DeletedSession"/>).</summary>
    public static readonly SqliteMigration V4 = new("gateway", 4, """
        CREATE TABLE deleted_sessions (
            session_id TEXT PRIMARY KEY,
            deleted_at TEXT NOT NULL,
            deleted_by TEXT NOT NULL);
        """);

    public static readonly IReadOnlyList<SqliteMigration> All = [V1, V2, V3, V4];
}
