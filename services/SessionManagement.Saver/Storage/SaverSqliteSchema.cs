using SessionManagement.Hosting.Storage.Sqlite;

namespace SessionManagement.Saver.Storage;

internal static class SaverSqliteSchema
{
    public static readonly SqliteMigration V1 = new("saver", 1, """
        CREATE TABLE saver_events (
            event_id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL,
            hook_event_name TEXT NOT NULL,
            received_at TEXT NOT NULL,
            capture_sequence INTEGER NOT NULL,
            host TEXT NOT NULL,
            user_name TEXT NOT NULL,
            cwd TEXT NULL,
            model TEXT NULL,
            source TEXT NULL,
            reason TEXT NULL,
            raw_json BLOB NOT NULL,
            raw_encoding TEXT NOT NULL);
        CREATE INDEX ix_saver_events_session_order ON saver_events (session_id, received_at, capture_sequence);
        CREATE INDEX ix_saver_events_session_event ON saver_events (session_id, hook_event_name, received_at);

        CREATE TABLE saver_sessions (
            session_id TEXT PRIMARY KEY,
            project_dir TEXT NOT NULL,
            cwd TEXT NULL,
            model TEXT NULL,
            source TEXT NULL,
            parent_session_id TEXT NULL,
            status TEXT NOT NULL,
            started_at TEXT NOT NULL,
            last_event_at TEXT NOT NULL,
            ended_at TEXT NULL,
            end_reason TEXT NULL,
            event_count INTEGER NOT NULL,
            prompts INTEGER NOT NULL,
            tool_calls INTEGER NOT NULL,
            tool_failures INTEGER NOT NULL,
            compactions INTEGER NOT NULL,
            version INTEGER NOT NULL,
            schema_version INTEGER NOT NULL,
            checksum TEXT NOT NULL);
        CREATE INDEX ix_saver_sessions_project ON saver_sessions (project_dir, last_event_at DESC);
        """);

    /// <summary>Per session and event name: count, first, last — kept with each write so a save no longer scans the session's events.</summary>
    public static readonly SqliteMigration V2 = new("saver", 2, """
        CREATE TABLE saver_tallies (
            session_id TEXT NOT NULL,
            hook_event_name TEXT NOT NULL,
            count INTEGER NOT NULL,
            first_at TEXT NOT NULL,
            last_at TEXT NOT NULL,
            PRIMARY KEY (session_id, hook_event_name));
        INSERT INTO saver_tallies (session_id, hook_event_name, count, first_at, last_at)
            SELECT session_id, hook_event_name, count(*), min(received_at), max(received_at)
            FROM saver_events GROUP BY session_id, hook_event_name;
        -- The full sort key, so "latest SessionStart" is one index probe, not a walk over the session's events.
        DROP INDEX ix_saver_events_session_event;
        CREATE INDEX ix_saver_events_session_event ON saver_events (session_id, hook_event_name, received_at, capture_sequence);
        """);

    /// <summary>The auto-save's snapshots: the latest per session, checksummed and (optionally) compressed.</summary>
    public static readonly SqliteMigration V3 = new("saver", 3, """
        CREATE TABLE saver_snapshots (
            session_id TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            schema_version INTEGER NOT NULL,
            checksum TEXT NOT NULL,
            taken_at TEXT NOT NULL,
            body BLOB NOT NULL,
            encoding TEXT NOT NULL);
        """);

    /// <summary>Session schema 2's counters. Rows written before keep schema 1 (and its checksum) until they are loaded and migrated.</summary>
    public static readonly SqliteMigration V4 = new("saver", 4, """
        ALTER TABLE saver_sessions ADD COLUMN subagents INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE saver_sessions ADD COLUMN notifications INTEGER NOT NULL DEFAULT 0;
        """);

    /// <summary>Backups: each a whole session (state and raw events), compressed and checksummed; several per session.</summary>
    public static readonly SqliteMigration V5 = new("saver", 5, """
        CREATE TABLE saver_backups (
            backup_id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            checksum TEXT NOT NULL,
            body BLOB NOT NULL);
        CREATE INDEX ix_saver_backups_session ON saver_backups (session_id, version DESC);
        """);

    /// <summary>Cleanup's archive marks: an archived session has a verified backup named here.</summary>
    public static readonly SqliteMigration V6 = new("saver", 6, """
        CREATE TABLE saver_archive (
            session_id TEXT PRIMARY KEY,
            backup_id TEXT NOT NULL,
            archived_at TEXT NOT NULL);
        CREATE INDEX ix_saver_sessions_ended ON saver_sessions (status, ended_at);
        """);

    /// <summary>Session schema 3's git branch: the gateway's stamp on each event, and the session's latest.</summary>
    public static readonly SqliteMigration V7 = new("saver", 7, """
        ALTER TABLE saver_events ADD COLUMN git_branch TEXT NULL;
        ALTER TABLE saver_sessions ADD COLUMN git_branch TEXT NULL;
        """);

    /// <summary>
    /// The latest cwd and branch of a session, found without walking its events: a session in a folder that is no git
    /// repository has no branch on any event, and every save used to read all of them to learn that.
    /// </summary>
    public static readonly SqliteMigration V8 = new("saver", 8, """
        CREATE INDEX ix_saver_events_session_cwd ON saver_events (session_id, received_at, capture_sequence) WHERE cwd IS NOT NULL;
        CREATE INDEX ix_saver_events_session_branch ON saver_events (session_id, received_at, capture_sequence) WHERE git_branch IS NOT NULL;
        """);

    /// <summary>The model a session's transcript names, for a session no SessionStart named one for.</summary>
    public static readonly SqliteMigration V9 = new("saver", 9, """
        CREATE TABLE saver_transcript_models (session_id TEXT PRIMARY KEY, model TEXT NOT NULL) WITHOUT ROWID;
        """);

    /// <summary>
    /// The titles a session's transcript gives it, the latest line of each kind (<c>custom-title</c>, <c>summary</c>) by its byte
    /// offset; and the title each session shows.
    /// </summary>
    public static readonly SqliteMigration V10 = new("saver", 10, """
        CREATE TABLE saver_transcript_titles (
            session_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            line_offset INTEGER NOT NULL,
            PRIMARY KEY (session_id, kind)) WITHOUT ROWID;
        ALTER TABLE saver_sessions ADD COLUMN title TEXT NULL;
        """);

    /// <summary>The session each project's next SessionStart continues from, when the user chose one (<c>smctl use</c>).</summary>
    public static readonly SqliteMigration V11 = new("saver", 11, """
        CREATE TABLE saver_project_choices (
            project_dir TEXT PRIMARY KEY,
            session_id TEXT NOT NULL,
            chosen_at TEXT NOT NULL) WITHOUT ROWID;
        """);

    /// <summary>The audit trail: what was done to kept sessions, by whom, from where (<see cref="Contracts.Saver.AuditRecorded"/>).</summary>
    public static readonly SqliteMigration V12 = new("saver", 12, """
        CREATE TABLE saver_audit (
            audit_id TEXT PRIMARY KEY,
            at INTEGER NOT NULL,
            action TEXT NOT NULL,
            actor TEXT NOT NULL,
            origin TEXT NOT NULL,
            session_id TEXT NULL,
            detail TEXT NULL) WITHOUT ROWID;
        CREATE INDEX saver_audit_at ON saver_audit (at DESC);
        """);

    /// <summary>Who imported a session no hook has reached: it is theirs until a hook says whose it is.</summary>
    public static readonly SqliteMigration V13 = new("saver", 13, """
        CREATE TABLE saver_import_owners (session_id TEXT PRIMARY KEY, user_name TEXT NOT NULL) WITHOUT ROWID;
        """);

    /// <summary>The orders and the branch and parent filters the web view lists sessions by, each an index (a page at 100,000 sessions never sorts them all).</summary>
    public static readonly SqliteMigration V14 = new("saver", 14, """
        CREATE INDEX ix_saver_sessions_recent ON saver_sessions (last_event_at DESC, session_id);
        CREATE INDEX ix_saver_sessions_started ON saver_sessions (started_at, session_id);
        CREATE INDEX ix_saver_sessions_prompts ON saver_sessions (prompts DESC, session_id);
        CREATE INDEX ix_saver_sessions_tools ON saver_sessions (tool_calls DESC, session_id);
        CREATE INDEX ix_saver_sessions_branch ON saver_sessions (git_branch, last_event_at DESC);
        CREATE INDEX ix_saver_sessions_parent ON saver_sessions (parent_session_id) WHERE parent_session_id IS NOT NULL;
        CREATE INDEX ix_saver_sessions_status_recent ON saver_sessions (status, last_event_at DESC);
        CREATE INDEX ix_saver_sessions_status_started ON saver_sessions (status, started_at);
        """);

    /// <summary>
    /// What a session's imported transcript said when no hook had reached it (<see cref="Sessions.ImportedTranscript"/>), for when
    /// hooks come later: its first and last lines' times, its prompts and tool calls, its working directory. Its first prompt is kept with the
    /// titles (<c>saver_transcript_titles</c>, kind <c>first-prompt</c>), sealed as they are.
    /// </summary>
    public static readonly SqliteMigration V15 = new("saver", 15, """
        CREATE TABLE saver_imported (
            session_id TEXT PRIMARY KEY,
            first_at TEXT NOT NULL,
            last_at TEXT NOT NULL,
            prompts INTEGER NOT NULL,
            tool_calls INTEGER NOT NULL,
            cwd TEXT NULL) WITHOUT ROWID;
        """);

    /// <summary>Every migration, in order (declared last: static fields initialise in the order they are written).</summary>
    public static readonly IReadOnlyList<SqliteMigration> All = [V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12, V13, V14, V15];
}
