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

    /// <summary>
    /// A transcript batch's lines are kept once, as the block they were shipped in (compressed once for all of them);
    /// each record names its line's place in the block. Rows written before keep their own raw line.
    /// </summary>
    public static readonly SqliteMigration V2 = new("chat", 2, """
        CREATE TABLE chat_raw_blocks (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL,
            start_offset INTEGER NOT NULL,
            end_offset INTEGER NOT NULL,
            lines_length INTEGER NOT NULL,
            encoding TEXT NOT NULL,
            bytes BLOB NOT NULL);
        CREATE INDEX ix_chat_raw_blocks_session ON chat_raw_blocks (session_id);
        ALTER TABLE chat_messages ADD COLUMN raw_block INTEGER NULL;
        ALTER TABLE chat_messages ADD COLUMN raw_start INTEGER NULL;
        ALTER TABLE chat_messages ADD COLUMN raw_length INTEGER NULL;
        CREATE INDEX ix_chat_messages_block ON chat_messages (raw_block) WHERE raw_block IS NOT NULL;

        -- Search indexing follows the writes instead of taking part in each: a new message waits in chat_fts_pending until
        -- enough are waiting or a search comes, then they are indexed together (FTS5 builds far fewer, larger segments).
        CREATE TABLE chat_fts_pending (id INTEGER PRIMARY KEY);
        DROP TRIGGER chat_messages_fts_insert;
        DROP TRIGGER chat_messages_fts_delete;
        CREATE TRIGGER chat_messages_fts_insert AFTER INSERT ON chat_messages WHEN new.kind = 'Message' AND new.text <> '' BEGIN
            INSERT INTO chat_fts_pending (id) VALUES (new.id);
        END;
        CREATE TRIGGER chat_messages_fts_delete AFTER DELETE ON chat_messages WHEN old.kind = 'Message' AND old.text <> '' BEGIN
            INSERT INTO chat_messages_fts (chat_messages_fts, rowid, text) SELECT 'delete', old.id, old.text
                WHERE NOT EXISTS (SELECT 1 FROM chat_fts_pending WHERE id = old.id);
            DELETE FROM chat_fts_pending WHERE id = old.id;
        END;
        """);

    /// <summary>
    /// The few hook messages still waiting for their transcript twin, found without reading a session's history: a transcript
    /// batch of a session that has none is stored without probing for a twin line by line.
    /// </summary>
    public static readonly SqliteMigration V3 = new("chat", 3, """
        CREATE INDEX ix_chat_messages_awaiting_transcript ON chat_messages (session_id) WHERE uuid IS NULL AND event_id IS NOT NULL AND match_hash IS NOT NULL;
        """);

    /// <summary>
    /// Every index a stored line enters follows the transcript's time, so a batch's rows land on a few pages at the end of each
    /// instead of one random page apiece (a transcript uuid, a key made of it, a text's hash): an import wrote four times what it
    /// stored, most of it index pages rewritten into the WAL at every commit.
    /// <list type="bullet">
    /// <item>A record with a uuid is identified by its session, its line's own timestamp (<c>line_time</c>, in ticks; 0 when
    /// the line has none) and its uuid; the key stays unique for the rows without a uuid (hook messages, records without one).
    /// SQLite keeps a table constraint for the table's life, so the table is rebuilt; ids, and with them the search index, are
    /// kept.</item>
    /// <item>A hook message finds its transcript twin among the session's lines written near it (the order index); a line finds
    /// its hook twin among the few hook messages still waiting. No index by text hash over every line.</item>
    /// </list>
    /// </summary>
    public static readonly SqliteMigration V4 = new("chat", 4, """
        CREATE TABLE chat_messages_v4 (
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
            raw_block INTEGER NULL,
            raw_start INTEGER NULL,
            raw_length INTEGER NULL,
            line_time INTEGER NULL);
        -- Rows stored before took their timestamp from their line whenever it had one: the best guess at its own.
        INSERT INTO chat_messages_v4
            SELECT id, session_id, message_key, kind, record_type, role, uuid, parent_uuid, event_id, timestamp, sequence, project_dir, text,
                match_hash, tools, usage, model, sources, problem, raw, raw_encoding, raw_block, raw_start, raw_length,
                CASE WHEN uuid IS NULL THEN NULL
                    ELSE CAST(strftime('%s', substr(timestamp, 1, 19)) AS INTEGER) * 10000000 + CAST(substr(timestamp, 21, 7) AS INTEGER) + 621355968000000000
                END
            FROM chat_messages;
        DROP TABLE chat_messages;
        ALTER TABLE chat_messages_v4 RENAME TO chat_messages;
        CREATE UNIQUE INDEX ux_chat_messages_key ON chat_messages (session_id, message_key) WHERE uuid IS NULL;
        CREATE UNIQUE INDEX ux_chat_messages_uuid ON chat_messages (session_id, line_time, uuid) WHERE uuid IS NOT NULL;
        CREATE UNIQUE INDEX ux_chat_messages_event ON chat_messages (event_id) WHERE event_id IS NOT NULL;
        CREATE INDEX ix_chat_messages_order ON chat_messages (session_id, timestamp, sequence);
        CREATE INDEX ix_chat_messages_block ON chat_messages (raw_block) WHERE raw_block IS NOT NULL;
        CREATE INDEX ix_chat_messages_awaiting_transcript ON chat_messages (session_id, match_hash, timestamp, sequence)
            WHERE uuid IS NULL AND event_id IS NOT NULL AND match_hash IS NOT NULL;
        CREATE TRIGGER chat_messages_fts_insert AFTER INSERT ON chat_messages WHEN new.kind = 'Message' AND new.text <> '' BEGIN
            INSERT INTO chat_fts_pending (id) VALUES (new.id);
        END;
        CREATE TRIGGER chat_messages_fts_delete AFTER DELETE ON chat_messages WHEN old.kind = 'Message' AND old.text <> '' BEGIN
            INSERT INTO chat_messages_fts (chat_messages_fts, rowid, text) SELECT 'delete', old.id, old.text
                WHERE NOT EXISTS (SELECT 1 FROM chat_fts_pending WHERE id = old.id);
            DELETE FROM chat_fts_pending WHERE id = old.id;
        END;
        """);

    /// <summary>
    /// The API responses whose usage was counted, by <c>message.id:requestId</c> (ccusage's key): Claude Code writes one response
    /// as several lines that repeat its usage, and a resumed session's file may repeat its parent's lines.
    /// </summary>
    public static readonly SqliteMigration V5 = new("chat", 5, """
        CREATE TABLE chat_responses (
            response_key TEXT PRIMARY KEY,
            session_id TEXT NOT NULL) WITHOUT ROWID;
        """);

    /// <summary>A session's transcript lines in file order (their byte offsets), for the JSONL export and restore.</summary>
    public static readonly SqliteMigration V6 = new("chat", 6, """
        CREATE INDEX ix_chat_messages_file_order ON chat_messages (session_id, sequence) WHERE (sources & 2) != 0;
        """);

    /// <summary>
    /// A line whose uuid another line of the session has (Claude Code writes a record again, with other content) is kept too,
    /// with its byte offset as <c>repeat_offset</c> (<see cref="Messages.ChatMessage.AtItsOffset"/>); every other row has 0 there,
    /// so the same line shipped again still finds the row it made, whatever that row's key (a hook's message it joined).
    /// </summary>
    public static readonly SqliteMigration V7 = new("chat", 7, """
        ALTER TABLE chat_messages ADD COLUMN repeat_offset INTEGER NOT NULL DEFAULT 0;
        DROP INDEX ux_chat_messages_uuid;
        CREATE UNIQUE INDEX ux_chat_messages_uuid ON chat_messages (session_id, line_time, uuid, repeat_offset) WHERE uuid IS NOT NULL;
        """);

    /// <summary>
    /// A session's subagent transcripts (<c>subagents/agent-&lt;id&gt;.jsonl</c>) are kept with it: each row names the file its line is
    /// from (empty for the session's own), its byte offset counts within that file, and the file is part of a line's identity and
    /// of the file order.
    /// </summary>
    public static readonly SqliteMigration V8 = new("chat", 8, """
        ALTER TABLE chat_messages ADD COLUMN file TEXT NOT NULL DEFAULT '';
        DROP INDEX ux_chat_messages_uuid;
        CREATE UNIQUE INDEX ux_chat_messages_uuid ON chat_messages (session_id, line_time, uuid, file, repeat_offset) WHERE uuid IS NOT NULL;
        DROP INDEX ix_chat_messages_file_order;
        CREATE INDEX ix_chat_messages_file_order ON chat_messages (session_id, file, sequence) WHERE (sources & 2) != 0;
        """);

    /// <summary>
    /// Tool calls are searchable: each message keeps what its tool calls add to search in <c>tool_text</c> (their names and summaries:
    /// what a tool was asked, what it answered; <see cref="MessageColumns.ToolText"/>), and the search index reads text and tool text
    /// through the view <c>chat_search_text</c>, so a tool result (role <c>tool</c>, no text of its own) is found by its output. The
    /// rows stored before get their tool text here, and the index is built again from the view once. A row leaves the index before
    /// it is deleted or its text changes (while the view still gives what was indexed), and waits to go back in after a change.
    /// </summary>
    public static readonly SqliteMigration V9 = new("chat", 9, """
        DROP TRIGGER chat_messages_fts_insert;
        DROP TRIGGER chat_messages_fts_delete;
        DROP TABLE chat_messages_fts;
        ALTER TABLE chat_messages ADD COLUMN tool_text TEXT NULL;
        UPDATE chat_messages SET tool_text = (
                SELECT group_concat(coalesce(json_extract(t.value, '$.name') || ': ', '') || json_extract(t.value, '$.summary'), char(10))
                FROM json_each(chat_messages.tools) t)
            WHERE tools IS NOT NULL;
        CREATE VIEW chat_search_text AS
            SELECT id, trim(text || coalesce(char(10) || tool_text, ''), char(10)) AS text
            FROM chat_messages WHERE kind = 'Message' AND (text <> '' OR tool_text IS NOT NULL);
        CREATE VIRTUAL TABLE chat_messages_fts USING fts5(text, content='chat_search_text', content_rowid='id', tokenize='porter unicode61');
        INSERT INTO chat_messages_fts (chat_messages_fts) VALUES ('rebuild');
        DELETE FROM chat_fts_pending;
        CREATE TRIGGER chat_messages_fts_insert AFTER INSERT ON chat_messages
            WHEN new.kind = 'Message' AND (new.text <> '' OR new.tool_text IS NOT NULL) BEGIN
            INSERT OR IGNORE INTO chat_fts_pending (id) VALUES (new.id);
        END;
        CREATE TRIGGER chat_messages_fts_delete BEFORE DELETE ON chat_messages WHEN old.kind = 'Message' BEGIN
            INSERT INTO chat_messages_fts (chat_messages_fts, rowid, text) SELECT 'delete', v.id, v.text FROM chat_search_text v
                WHERE v.id = old.id AND NOT EXISTS (SELECT 1 FROM chat_fts_pending WHERE id = old.id);
            DELETE FROM chat_fts_pending WHERE id = old.id;
        END;
        CREATE TRIGGER chat_messages_fts_update_old BEFORE UPDATE OF kind, text, tool_text ON chat_messages WHEN old.kind = 'Message' BEGIN
            INSERT INTO chat_messages_fts (chat_messages_fts, rowid, text) SELECT 'delete', v.id, v.text FROM chat_search_text v
                WHERE v.id = old.id AND NOT EXISTS (SELECT 1 FROM chat_fts_pending WHERE id = old.id);
            DELETE FROM chat_fts_pending WHERE id = old.id;
        END;
        CREATE TRIGGER chat_messages_fts_update_new AFTER UPDATE OF kind, text, tool_text ON chat_messages
            WHEN new.kind = 'Message' AND (new.text <> '' OR new.tool_text IS NOT NULL) BEGIN
            INSERT OR IGNORE INTO chat_fts_pending (id) VALUES (new.id);
        END;
        """);

    /// <summary>
    /// Search and counts that need no text in clear, for encryption at rest (<see cref="Hosting.Security.AtRest"/>):
    /// <list type="bullet">
    /// <item>A sealed message's words are indexed as keyed tokens (<c>search_tokens</c>), which the view gives the index in place
    /// of its text. A row in clear has none, and its words are indexed as before.</item>
    /// <item>A message's tool uses are counted in <c>tool_uses</c>, so a summary does not read its tool calls.</item>
    /// </list>
    /// </summary>
    public static readonly SqliteMigration V10 = new("chat", 10, """
        ALTER TABLE chat_messages ADD COLUMN search_tokens TEXT NULL;
        ALTER TABLE chat_messages ADD COLUMN tool_uses INTEGER NOT NULL DEFAULT 0;
        UPDATE chat_messages SET tool_uses = (SELECT count(*) FROM json_each(tools) WHERE json_extract(value, '$.kind') = 'use')
            WHERE tools IS NOT NULL AND json_valid(tools);
        DROP TRIGGER chat_messages_fts_update_old;
        DROP TRIGGER chat_messages_fts_update_new;
        DROP VIEW chat_search_text;
        CREATE VIEW chat_search_text AS
            SELECT id, coalesce(search_tokens, trim(text || coalesce(char(10) || tool_text, ''), char(10))) AS text
            FROM chat_messages WHERE kind = 'Message' AND (text <> '' OR tool_text IS NOT NULL);
        CREATE TRIGGER chat_messages_fts_update_old BEFORE UPDATE OF kind, text, tool_text, search_tokens ON chat_messages WHEN old.kind = 'Message' BEGIN
            INSERT INTO chat_messages_fts (chat_messages_fts, rowid, text) SELECT 'delete', v.id, v.text FROM chat_search_text v
                WHERE v.id = old.id AND NOT EXISTS (SELECT 1 FROM chat_fts_pending WHERE id = old.id);
            DELETE FROM chat_fts_pending WHERE id = old.id;
        END;
        CREATE TRIGGER chat_messages_fts_update_new AFTER UPDATE OF kind, text, tool_text, search_tokens ON chat_messages
            WHEN new.kind = 'Message' AND (new.text <> '' OR new.tool_text IS NOT NULL) BEGIN
            INSERT OR IGNORE INTO chat_fts_pending (id) VALUES (new.id);
        END;
        """);

    /// <summary>
    /// What an import needs without reading every raw line back:
    /// <list type="bullet">
    /// <item>Each transcript line's git branch (<c>git_branch</c>), so an import's summary names the session's latest branch. Sessions
    /// stored before say so (<c>branches_unread</c>): theirs is read from their raw lines, as before.</item>
    /// <item>Each transcript file's digest (<c>chat_files</c>, <see cref="SessionManagement.Contracts.Chat.TranscriptDigest"/>), kept for
    /// a file held from its first line on, dropped when any of its lines is deleted: <c>smctl import</c> compares it with the file's
    /// instead of reading the held file back.</item>
    /// </list>
    /// </summary>
    public static readonly SqliteMigration V11 = new("chat", 11, """
        ALTER TABLE chat_messages ADD COLUMN git_branch TEXT NULL;
        ALTER TABLE chat_sessions ADD COLUMN branches_unread INTEGER NOT NULL DEFAULT 0;
        UPDATE chat_sessions SET branches_unread = 1;
        CREATE TABLE chat_files (
            session_id TEXT NOT NULL,
            file TEXT NOT NULL,
            lines INTEGER NOT NULL,
            digest_high INTEGER NOT NULL,
            digest_low INTEGER NOT NULL,
            PRIMARY KEY (session_id, file)) WITHOUT ROWID;
        CREATE TRIGGER chat_files_forget AFTER DELETE ON chat_messages WHEN (old.sources & 2) != 0 BEGIN
            DELETE FROM chat_files WHERE session_id = old.session_id AND file = old.file;
        END;
        """);

    /// <summary>
    /// Each file's digest names the hash it counts its lines by (<see cref="SessionManagement.Contracts.Chat.TranscriptDigest"/>): the files
    /// held before go on with SHA-256, every file held from now on is counted with XXH128, ten times as fast (SHA-256 took 4 % of the
    /// host's CPU in an import).
    /// </summary>
    public static readonly SqliteMigration V12 = new("chat", 12, """
        ALTER TABLE chat_files ADD COLUMN algorithm TEXT NOT NULL DEFAULT 'sha256';
        """);

    /// <summary>
    /// A sealed message's tokens leave its row for an index of their own, which keeps no content (<c>contentless_delete</c>: a row is
    /// taken out of it by its id). They were written twice the size of the text they stand for, and read back to be indexed; they are now
    /// worked out when the message is indexed, from its text opened there. <c>sealed_search</c> says which index holds a message: the
    /// view of words in clear gives the index of words only the others. The tokens kept before move from the one index to the other.
    /// </summary>
    public static readonly SqliteMigration V13 = new("chat", 13, """
        CREATE VIRTUAL TABLE chat_messages_fts_sealed USING fts5(tokens, content='', contentless_delete=1, tokenize='unicode61');
        ALTER TABLE chat_messages ADD COLUMN sealed_search INTEGER NOT NULL DEFAULT 0;
        DROP TRIGGER chat_messages_fts_delete;
        DROP TRIGGER chat_messages_fts_update_old;
        DROP TRIGGER chat_messages_fts_update_new;
        INSERT INTO chat_messages_fts (chat_messages_fts, rowid, text)
            SELECT 'delete', m.id, m.search_tokens FROM chat_messages m
            WHERE m.search_tokens IS NOT NULL AND m.kind = 'Message' AND (m.text <> '' OR m.tool_text IS NOT NULL)
                AND NOT EXISTS (SELECT 1 FROM chat_fts_pending p WHERE p.id = m.id);
        INSERT INTO chat_messages_fts_sealed (rowid, tokens)
            SELECT m.id, m.search_tokens FROM chat_messages m
            WHERE m.search_tokens IS NOT NULL AND m.kind = 'Message' AND (m.text <> '' OR m.tool_text IS NOT NULL)
                AND NOT EXISTS (SELECT 1 FROM chat_fts_pending p WHERE p.id = m.id);
        UPDATE chat_messages SET sealed_search = 1, search_tokens = NULL WHERE search_tokens IS NOT NULL;
        DROP VIEW chat_search_text;
        CREATE VIEW chat_search_text AS
            SELECT id, trim(text || coalesce(char(10) || tool_text, ''), char(10)) AS text
            FROM chat_messages WHERE kind = 'Message' AND sealed_search = 0 AND (text <> '' OR tool_text IS NOT NULL);
        CREATE TRIGGER chat_messages_fts_delete BEFORE DELETE ON chat_messages WHEN old.kind = 'Message' BEGIN
            INSERT INTO chat_messages_fts (chat_messages_fts, rowid, text) SELECT 'delete', v.id, v.text FROM chat_search_text v
                WHERE v.id = old.id AND NOT EXISTS (SELECT 1 FROM chat_fts_pending WHERE id = old.id);
            DELETE FROM chat_messages_fts_sealed WHERE rowid = old.id AND old.sealed_search = 1
                AND NOT EXISTS (SELECT 1 FROM chat_fts_pending WHERE id = old.id);
            DELETE FROM chat_fts_pending WHERE id = old.id;
        END;
        CREATE TRIGGER chat_messages_fts_update_old BEFORE UPDATE OF kind, text, tool_text, sealed_search ON chat_messages WHEN old.kind = 'Message' BEGIN
            INSERT INTO chat_messages_fts (chat_messages_fts, rowid, text) SELECT 'delete', v.id, v.text FROM chat_search_text v
                WHERE v.id = old.id AND NOT EXISTS (SELECT 1 FROM chat_fts_pending WHERE id = old.id);
            DELETE FROM chat_messages_fts_sealed WHERE rowid = old.id AND old.sealed_search = 1
                AND NOT EXISTS (SELECT 1 FROM chat_fts_pending WHERE id = old.id);
            DELETE FROM chat_fts_pending WHERE id = old.id;
        END;
        CREATE TRIGGER chat_messages_fts_update_new AFTER UPDATE OF kind, text, tool_text, sealed_search ON chat_messages
            WHEN new.kind = 'Message' AND (new.text <> '' OR new.tool_text IS NOT NULL) BEGIN
            INSERT OR IGNORE INTO chat_fts_pending (id) VALUES (new.id);
        END;
        """);

    /// <summary>
    /// The files of each session's <c>tool-results</c> folder: a tool's output too large for the transcript, which keeps its first 2 KB
    /// and the file's path. Each is kept whole, packed as the gateway shipped it and sealed under the key at rest, with the SHA-256 of
    /// the file it was read from (an import compares it to skip the file).
    /// </summary>
    public static readonly SqliteMigration V14 = new("chat", 14, """
        CREATE TABLE chat_tool_results (
            id INTEGER PRIMARY KEY,
            session_id TEXT NOT NULL,
            name TEXT NOT NULL,
            length INTEGER NOT NULL,
            source_sha256 TEXT NOT NULL,
            captured_at TEXT NOT NULL,
            encoding TEXT NOT NULL,
            bytes BLOB NOT NULL);
        CREATE UNIQUE INDEX ux_chat_tool_results ON chat_tool_results (session_id, name);
        """);

    public static readonly IReadOnlyList<SqliteMigration> All = [V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12, V13, V14];
}
