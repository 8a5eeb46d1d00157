using SessionManagement.Hosting.Storage.Sqlite;

namespace SessionManagement.Status.Storage;

internal static class StatusSqliteSchema
{
    public static readonly SqliteMigration V1 = new("status", 1, """
        CREATE TABLE status_sessions (
            session_id TEXT PRIMARY KEY,
            document TEXT NOT NULL,
            last_activity_at TEXT NOT NULL);
        CREATE TABLE status_counters (
            minute TEXT NOT NULL,
            project TEXT NOT NULL,
            user_name TEXT NOT NULL,
            metric TEXT NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (minute, project, user_name, metric));
        CREATE TABLE status_rollups (
            granularity TEXT NOT NULL,
            period_start TEXT NOT NULL,
            project TEXT NOT NULL,
            user_name TEXT NOT NULL,
            metric TEXT NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (granularity, period_start, project, user_name, metric));
        """);

    /// <summary>
    /// Tokens and cost counted per model too: the counters and roll-ups gain a model in their keys (empty for what was counted
    /// before, and for metrics not counted per model).
    /// </summary>
    public static readonly SqliteMigration V2 = new("status", 2, """
        CREATE TABLE status_counters_v2 (
            minute TEXT NOT NULL,
            project TEXT NOT NULL,
            user_name TEXT NOT NULL,
            model TEXT NOT NULL,
            metric TEXT NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (minute, project, user_name, model, metric));
        INSERT INTO status_counters_v2 (minute, project, user_name, model, metric, value)
            SELECT minute, project, user_name, '', metric, value FROM status_counters;
        DROP TABLE status_counters;
        ALTER TABLE status_counters_v2 RENAME TO status_counters;
        CREATE TABLE status_rollups_v2 (
            granularity TEXT NOT NULL,
            period_start TEXT NOT NULL,
            project TEXT NOT NULL,
            user_name TEXT NOT NULL,
            model TEXT NOT NULL,
            metric TEXT NOT NULL,
            value REAL NOT NULL,
            PRIMARY KEY (granularity, period_start, project, user_name, model, metric));
        INSERT INTO status_rollups_v2 (granularity, period_start, project, user_name, model, metric, value)
            SELECT granularity, period_start, project, user_name, '', metric, value FROM status_rollups;
        DROP TABLE status_rollups;
        ALTER TABLE status_rollups_v2 RENAME TO status_rollups;
        """);

    /// <summary>
    /// The hooks counted (prompts, tool calls, errors), by event id in its byte order (a UUIDv7's time first), so a hook handed over
    /// again is not counted twice; forgotten after <see cref="Tracking.StatusTracker.CountedKeptFor"/>.
    /// </summary>
    public static readonly SqliteMigration V3 = new("status", 3, """
        CREATE TABLE status_counted_hooks (event_id BLOB PRIMARY KEY) WITHOUT ROWID;
        """);

    /// <summary>The last backup run of each kind (sessions, audit, transcripts, context), as a JSON document.</summary>
    public static readonly SqliteMigration V4 = new("status", 4, """
        CREATE TABLE status_backup_runs (kind TEXT PRIMARY KEY, document TEXT NOT NULL);
        """);

    /// <summary>Every migration, in order (declared last: static fields initialise in the order they are written).</summary>
    public static readonly IReadOnlyList<SqliteMigration> All = [V1, V2, V3, V4];
}
