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
}
