using SessionManagement.Hosting.Storage.Sqlite;

namespace SessionManagement.Chat.Storage;

internal static class ChatSqliteSchema
{
    public static readonly SqliteMigration V1 = new("chat", 1, """
        CREATE TABLE chat_messages (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL,
            message_key TEXT NOT NULL,
            kind TEXT NOT NULL,
            record_type TEXT NOT NULL,
            role TEXT NULL,
            uuid TEXT NULL,
            parent_uuid TEXT NULL,
            event_id TEXT NULL,
            timestamp TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            project_dir TEXT NULL,
            text TEXT NOT NULL,
            match_hash TEXT NULL,
            tools TEXT NULL,
            usage TEXT NULL,
            model TEXT NULL,
            sources INTEGER NOT NULL,
            problem TEXT NULL,
            raw BLOB NOT NULL,
            raw_encoding TEXT NOT NULL,
            UNIQUE (session_id, message_key));
        CREATE UNIQUE INDEX ux_chat_messages_uuid ON chat_messages (session_id, uuid) WHERE uuid IS NOT NULL;
        CREATE UNIQUE INDEX ux_chat_messages_event ON chat_messages (event_id) WHERE event_id IS NOT NULL;
        CREATE INDEX ix_chat_messages_order ON chat_messages (session_id, timestamp, sequence);
        CREATE INDEX ix_chat_messages_match ON chat_messages (session_id, match_hash, timestamp, sequence);

        CREATE TABLE chat_sessions (
            session_id TEXT PRIMARY KEY,
            message_count INTEGER NOT NULL,
            conversation_count INTEGER NOT NULL,
            invalid_lines INTEGER NOT NULL);

        -- Only conversation is searchable; the index reads its text from chat_messages.
        CREATE VIRTUAL TABLE chat_messages_fts USING fts5(text, content='chat_messages', content_rowid='id', tokenize='porter unicode61');
        CREATE TRIGGER chat_messages_fts_insert AFTER INSERT ON chat_messages WHEN new.kind = 'Message' AND new.text <> '' BEGIN
            INSERT INTO chat_messages_fts (rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER chat_messages_fts_delete AFTER DELETE ON chat_messages WHEN old.kind = 'Message' AND old.text <> '' BEGIN
            INSERT INTO chat_messages_fts (chat_messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        """);
}
