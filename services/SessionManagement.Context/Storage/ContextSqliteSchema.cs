using SessionManagement.Hosting.Storage.Sqlite;

namespace SessionManagement.Context.Storage;

internal static class ContextSqliteSchema
{
    public static readonly SqliteMigration V1 = new("context", 1, """
        CREATE TABLE context_items (
            item_id TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            scope TEXT NOT NULL,
            session_id TEXT NULL,
            project_dir TEXT NULL,
            user_name TEXT NULL,
            team TEXT NULL,
            private INTEGER NOT NULL,
            priority INTEGER NOT NULL,
            source_session_id TEXT NULL,
            content BLOB NOT NULL,
            encoding TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            expires_at TEXT NULL,
            version INTEGER NOT NULL,
            schema_version INTEGER NOT NULL,
            checksum TEXT NOT NULL);
        CREATE INDEX ix_context_items_session ON context_items (scope, session_id);
        CREATE INDEX ix_context_items_project ON context_items (scope, project_dir);
        CREATE INDEX ix_context_items_user ON context_items (scope, user_name);
        CREATE INDEX ix_context_items_team ON context_items (scope, team);
        """);
}
