using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using SessionManagement.Chat.Messages;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Hosting.Storage;
using SessionManagement.Hosting.Storage.Sqlite;
using Record = SessionManagement.Chat.Storage.MessageColumns.Record;

namespace SessionManagement.Chat.Storage;

/// <summary>
/// Chat on SQLite. A transcript batch's raw lines are kept once, as the block they were shipped in; each record points into it.
/// New messages wait in <c>chat_fts_pending</c> for the search index: <see cref="SqliteSearchIndexer"/> indexes them when the
/// writes pause, and a search indexes them first (it sees every message stored before it). Writing is not slowed by indexing.
/// </summary>
internal sealed class SqliteChatStore(SqliteDatabase database, IOptions<ChatManagementOptions> chat, AtRest atRest) : IChatStore, IAtRestRecords
{
    private long _appends;

    /// <summary>Appends so far: the indexer waits for this to stand still.</summary>
    public long Appends => Interlocked.Read(ref _appends);

    private long _transcriptReads;

    /// <summary>
    /// Pages of transcript lines read so far (an export, a restore, a branch streaming a session back): the indexer gives way while
    /// this moves, so a restore right after an import is not slowed by the search index being built behind it.
    /// </summary>
    public long TranscriptReads => Interlocked.Read(ref _transcriptReads);

    private const string Columns =
        "session_id, message_key, kind, record_type, role, uuid, parent_uuid, event_id, timestamp, sequence, project_dir, text, match_hash, " +
        "tools, usage, model, sources, problem, raw, raw_encoding, raw_block, raw_start, raw_length, line_time, file";

    /// <summary>The <c>raw_encoding</c> of a row whose raw line lies in a <c>chat_raw_blocks</c> block.</summary>
    private const string InBlock = "block";

    /// <summary>What a row takes on disk: its text, its own raw line, or its line's share of the compressed block it lies in.</summary>
    private const string RowBytes = """
        length(text) + length(raw) + coalesce((SELECT length(b.bytes) * raw_length / max(b.lines_length, 1) FROM chat_raw_blocks b WHERE b.id = raw_block), 0)
        """;

    public async Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<ChatMessage> messages, int retention, CancellationToken cancellationToken)
    {
        // The rows' values are made before the store's one writer is taken, while it writes the batch before this one.
        var values = RowValues.Of(messages, atRest);
        try
        {
            return await AppendAsync(messages, values, retention, cancellationToken);
        }
        finally
        {
            foreach (var row in values)
                row.Dispose();
        }
    }

    private Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<ChatMessage> messages, RowValues[] values, int retention,
        CancellationToken cancellationToken) =>
        database.WriteAsync<IReadOnlyList<AppendResult>>(async (connection, transaction) =>
        {
            var writer = new Writer(database, transaction, chat.Value.MessageCompression, atRest);
            writer.Prepare();
            var tallies = new Dictionary<string, Tally>(StringComparer.Ordinal);
            using var digests = new FileDigests(database, transaction);
            for (var i = 0; i < messages.Count; i++)
            {
                var message = messages[i];
                if (!tallies.TryGetValue(message.SessionId, out var tally))
                    tallies[message.SessionId] = tally = new Tally();
                if (message.Line is not null)
                    await digests.TouchAsync(message.SessionId, message.File, cancellationToken);
                var written = await writer.WriteAsync(message, values[i], cancellationToken);
                if (written != Written.Duplicate && message.Line is { } line)
                    digests.Add(message.SessionId, message.File, message.Sequence, line.Block.Line(line.Start, line.Length).Span, values[i].LineValue);
                switch (written)
                {
                    case Written.Added:
                        tally.Added++;
                        tally.Conversation += message.Kind == MessageKind.Message ? 1 : 0;
                        tally.Invalid += AppendResult.IsUnreadLine(message) ? 1 : 0;
                        break;
                    case Written.Merged:
                        tally.Merged++;
                        break;
                }
                if (written != Written.Duplicate && AppendResult.UsageOf(message) is { } usage
                    && (message.ResponseKey is null || await writer.FirstOfResponseAsync(message, cancellationToken)))
                    tally.Usage.Add(usage);
            }
            await digests.SaveAsync(cancellationToken);
            var results = new List<AppendResult>(tallies.Count);
            foreach (var (sessionId, tally) in tallies)
                results.Add(await CountAsync(connection, transaction, sessionId, tally, retention, cancellationToken));
            Interlocked.Increment(ref _appends);
            return results;
        }, cancellationToken);

    public Task<ChatPage> PageAsync(string sessionId, int skip, int limit, bool includeRecords, bool includeRaw, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            long total = 0, invalid = 0;
            await using (var counts = connection.CreateCommand())
            {
                counts.CommandText = "SELECT message_count, conversation_count, invalid_lines FROM chat_sessions WHERE session_id = $session";
                counts.Bind("$session", sessionId);
                await using var reader = await counts.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                    (total, invalid) = (includeRecords ? reader.GetInt64(0) : reader.GetInt64(1), reader.GetInt64(2));
            }
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT {Columns} FROM chat_messages WHERE session_id = $session {(includeRecords ? "" : "AND kind = 'Message'")}
                ORDER BY timestamp, sequence, id LIMIT $limit OFFSET $skip
                """;
            command.Bind("$session", sessionId).Bind("$limit", limit).Bind("$skip", skip);
            return new ChatPage(total, invalid, await ReadMessagesAsync(connection, command, includeRaw, atRest, cancellationToken));
        }, cancellationToken);

    public Task<IReadOnlyList<ChatMessage>> LatestAsync(string sessionId, string role, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ChatMessage>>(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT {Columns} FROM chat_messages INDEXED BY ix_chat_messages_order
                WHERE session_id = $session AND kind = 'Message' AND role = $role AND file = ''
                ORDER BY timestamp DESC, sequence DESC, id DESC LIMIT $limit
                """;
            command.Bind("$session", sessionId).Bind("$role", role).Bind("$limit", limit);
            var messages = await ReadMessagesAsync(connection, command, includeRaw: false, atRest, cancellationToken);
            messages.Reverse();
            return messages;
        }, cancellationToken);

    public Task<TranscriptSummarized?> SummarizeAsync(string sessionId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            // The session's own transcript rows only (sources & 2, no subagent's file): a hook message the file never got says nothing about the file.
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT min(timestamp), max(timestamp), count(*),
                    sum(kind = 'Message' AND role = 'user'),
                    sum(tool_uses)
                FROM chat_messages INDEXED BY ix_chat_messages_file_order WHERE session_id = $session AND file = '' AND (sources & 2) != 0;
                SELECT project_dir FROM chat_messages INDEXED BY ix_chat_messages_file_order
                WHERE session_id = $session AND file = '' AND (sources & 2) != 0 AND project_dir IS NOT NULL ORDER BY sequence LIMIT 1;
                SELECT text FROM chat_messages INDEXED BY ix_chat_messages_file_order
                WHERE session_id = $session AND file = '' AND (sources & 2) != 0 AND record_type = '{TranscriptRecordReader.Relocated}' AND text <> '' ORDER BY sequence DESC LIMIT 1;
                SELECT model FROM chat_messages INDEXED BY ix_chat_messages_file_order
                WHERE session_id = $session AND file = '' AND (sources & 2) != 0 AND model IS NOT NULL AND model <> '<synthetic>' ORDER BY sequence DESC LIMIT 1;
                SELECT text FROM chat_messages INDEXED BY ix_chat_messages_file_order
                WHERE session_id = $session AND file = '' AND (sources & 2) != 0 AND record_type = 'custom-title' AND text <> '' ORDER BY sequence DESC LIMIT 1;
                SELECT text FROM chat_messages INDEXED BY ix_chat_messages_file_order
                WHERE session_id = $session AND file = '' AND (sources & 2) != 0 AND record_type = 'ai-title' AND text <> '' ORDER BY sequence DESC LIMIT 1;
                SELECT s.text FROM chat_messages s INDEXED BY ix_chat_messages_file_order
                WHERE s.session_id = $session AND s.file = '' AND (s.sources & 2) != 0 AND s.record_type = 'summary' AND s.text <> ''
                    AND EXISTS (SELECT 1 FROM chat_messages l WHERE l.session_id = s.session_id AND l.uuid = s.parent_uuid)
                ORDER BY s.sequence DESC LIMIT 1;
                SELECT text FROM chat_messages INDEXED BY ix_chat_messages_file_order
                WHERE session_id = $session AND file = '' AND (sources & 2) != 0 AND kind = 'Message' AND role = 'user' AND text <> '' ORDER BY sequence LIMIT 1;
                SELECT git_branch FROM chat_messages INDEXED BY ix_chat_messages_file_order
                WHERE session_id = $session AND file = '' AND (sources & 2) != 0 AND git_branch IS NOT NULL ORDER BY sequence DESC LIMIT 1;
                """;
            command.Bind("$session", sessionId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (reader.GetInt64(2) == 0)
                return null;
            var (first, last, lines, prompts, tools) = (reader.ReadTime(0), reader.ReadTime(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
            async Task<string?> NextAsync() =>
                await reader.NextResultAsync(cancellationToken) && await reader.ReadAsync(cancellationToken) ? atRest.OpenText(reader.GetString(0), Record.Text) : null;
            var cwd = await NextAsync();
            cwd = await NextAsync() ?? cwd; // moved with /cd: the last folder it was moved to
            var model = await NextAsync();
            var (custom, ai, summary, firstPrompt) = (await NextAsync(), await NextAsync(), await NextAsync(), await NextAsync());
            var branch = await reader.NextResultAsync(cancellationToken) && await reader.ReadAsync(cancellationToken) ? reader.GetString(0) : null;
            return (TranscriptSummarized?)new TranscriptSummarized(sessionId, first, last, cwd, model, prompts, tools, lines,
                TranscriptTitle.Shown(custom, ai, summary), branch, firstPrompt);
        }, cancellationToken);

    public Task<bool> LinesPredateBranchesAsync(string sessionId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT branches_unread FROM chat_sessions WHERE session_id = $session";
            command.Bind("$session", sessionId);
            return await command.ExecuteScalarAsync(cancellationToken) is long unread && unread != 0;
        }, cancellationToken);

    public Task<IReadOnlyList<(string File, long Lines, long FirstOffset, UInt128? Digest, string? DigestAlgorithm)>> TranscriptFilesAsync(string sessionId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<(string File, long Lines, long FirstOffset, UInt128? Digest, string? DigestAlgorithm)>>(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT m.file, m.lines, m.first, f.lines, f.digest_high, f.digest_low, f.algorithm FROM (
                    SELECT file, count(*) AS lines, min(sequence) AS first FROM chat_messages INDEXED BY ix_chat_messages_file_order
                    WHERE session_id = $session AND (sources & 2) != 0 GROUP BY file) m
                LEFT JOIN chat_files f ON f.session_id = $session AND f.file = m.file
                ORDER BY m.file
                """;
            command.Bind("$session", sessionId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var files = new List<(string, long, long, UInt128?, string?)>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var lines = reader.GetInt64(1);
                // Kept from the file's first line on, and every line since counted in it.
                var known = !reader.IsDBNull(3) && reader.GetInt64(3) == lines;
                files.Add((reader.GetString(0), lines, reader.GetInt64(2), known ? ReadDigest(reader, 4) : null, known ? reader.GetString(6) : null));
            }
            return files;
        }, cancellationToken);

    public Task<IReadOnlyList<string>> TranscriptSessionsAsync(string? after, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<string>>(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT DISTINCT session_id FROM chat_messages INDEXED BY ix_chat_messages_file_order
                WHERE (sources & 2) != 0 AND session_id > $after ORDER BY session_id LIMIT $limit
                """;
            command.Bind("$after", after ?? "").Bind("$limit", limit);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var sessions = new List<string>();
            while (await reader.ReadAsync(cancellationToken))
                sessions.Add(reader.GetString(0));
            return sessions;
        }, cancellationToken);

    public Task<bool> SaveToolResultAsync(ToolResultCaptured file, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using (var held = Command(connection, transaction,
                "SELECT 1 FROM chat_tool_results WHERE session_id = $session AND name = $name AND source_sha256 = $sha AND length = $length"))
            {
                held.Bind("$session", file.SessionId).Bind("$name", file.Name).Bind("$sha", file.SourceSha256).Bind("$length", file.Length);
                if (await held.ExecuteScalarAsync(cancellationToken) is not null)
                    return false;
            }
            await using var save = Command(connection, transaction, """
                INSERT INTO chat_tool_results (session_id, name, length, source_sha256, captured_at, encoding, bytes)
                VALUES ($session, $name, $length, $sha, $at, $encoding, $bytes)
                ON CONFLICT (session_id, name) DO UPDATE SET length = excluded.length, source_sha256 = excluded.source_sha256,
                    captured_at = excluded.captured_at, encoding = excluded.encoding, bytes = excluded.bytes
                """);
            save.Bind("$session", file.SessionId).Bind("$name", file.Name).Bind("$length", file.Length).Bind("$sha", file.SourceSha256)
                .Bind("$at", file.CapturedAt.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture))
                .Bind("$encoding", file.ContentEncoding).Bind("$bytes", atRest.Seal(file.Content, Record.ToolResult));
            await save.ExecuteNonQueryAsync(cancellationToken);
            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<ToolResultView>> ToolResultsAsync(string sessionId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ToolResultView>>(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT name, length, source_sha256, captured_at FROM chat_tool_results WHERE session_id = $session ORDER BY name";
            command.Bind("$session", sessionId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var files = new List<ToolResultView>();
            while (await reader.ReadAsync(cancellationToken))
                files.Add(new ToolResultView(reader.GetString(0), reader.GetInt64(1), reader.GetString(2),
                    DateTimeOffset.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture)));
            return files;
        }, cancellationToken);

    public Task<(byte[] Content, string Encoding)?> ToolResultAsync(string sessionId, string name, CancellationToken cancellationToken) =>
        database.ReadAsync<(byte[] Content, string Encoding)?>(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT bytes, encoding FROM chat_tool_results WHERE session_id = $session AND name = $name";
            command.Bind("$session", sessionId).Bind("$name", name);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
                return null;
            return (atRest.Open((byte[])reader.GetValue(0), Record.ToolResult), reader.GetString(1));
        }, cancellationToken);

    public Task<bool> HoldsLineAsync(string sessionId, string uuid, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1 FROM chat_messages WHERE session_id = $session AND uuid = $uuid LIMIT 1";
            command.Bind("$session", sessionId).Bind("$uuid", uuid);
            return await command.ExecuteScalarAsync(cancellationToken) is not null;
        }, cancellationToken);

    /// <summary>The largest buffer a page of transcript lines takes at first: an export's page of 8 MB fits in it.</summary>
    private const int MostFirstPageBuffer = 16 << 20;

    public Task<TranscriptBytes> TranscriptLinesAsync(string sessionId, string file, long afterOffset, int limit, long maxBytes,
        CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            Interlocked.Increment(ref _transcriptReads);
            await using var command = connection.CreateCommand();
            // A row seen in the transcript has its line's byte offset as its sequence (a hook message joined by its line took it over).
            // Lines are taken while the ones before them come to less than maxBytes: the first always, then as many as fit.
            // Only the line's place and bytes are read: a message's tools and usage are not parsed for an export.
            command.CommandText = """
                SELECT sequence, raw, raw_encoding, raw_block, raw_start, raw_length
                FROM chat_messages INDEXED BY ix_chat_messages_file_order
                WHERE session_id = $session AND file = $file AND (sources & 2) != 0 AND sequence > $after
                ORDER BY sequence LIMIT $limit
                """;
            command.Bind("$session", sessionId).Bind("$file", file).Bind("$after", afterOffset).Bind("$limit", limit);
            // The bytes go out as they were shipped: copied from each unpacked block (read once), never turned into text, into one
            // pooled buffer the size of the bound (at most 16 MB; grown only for a line past it). Each line is copied as its row is
            // read: no list of the page's rows is kept.
            var lines = TranscriptContent.Buffers.Rent((int)Math.Min(maxBytes + 1, MostFirstPageBuffer));
            var offsets = new List<long>();
            var at = 0;
            void Append(ReadOnlySpan<byte> line)
            {
                TranscriptContent.MakeRoom(ref lines, at, line.Length + 1);
                line.CopyTo(lines.AsSpan(at));
                at += line.Length;
                lines[at++] = (byte)'\n';
            }
            try
            {
                await using var blocks = new RawBlocks(connection, atRest);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                // Read only as far as the bound: stepping stops with the reader.
                while (at - offsets.Count < maxBytes && await reader.ReadAsync(cancellationToken))
                {
                    offsets.Add(reader.GetInt64(0));
                    if (reader.IsDBNull(3))
                    {
                        using var raw = TranscriptContent.Open(atRest.Open((byte[])reader.GetValue(1), Record.Raw), reader.GetString(2));
                        Append(raw.Bytes.Span);
                    }
                    else
                        Append((await blocks.LineAsync(reader.GetInt64(3), reader.GetInt32(4), reader.GetInt32(5), cancellationToken)).Span);
                }
            }
            catch
            {
                TranscriptContent.Buffers.Return(lines);
                throw;
            }
            return new TranscriptBytes(offsets, TranscriptContent.Rented(lines, at));
        }, cancellationToken);

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(MessageSearch search, CancellationToken cancellationToken)
    {
        var waiting = await database.ReadAsync(async connection =>
        {
            await using var pending = connection.CreateCommand();
            pending.CommandText = "SELECT EXISTS (SELECT 1 FROM chat_fts_pending)";
            return (long)(await pending.ExecuteScalarAsync(cancellationToken))! == 1;
        }, cancellationToken);
        if (waiting)
            await database.WriteAsync((connection, transaction) => IndexPendingAsync(connection, transaction, int.MaxValue, cancellationToken), cancellationToken);
        return await database.ReadAsync<IReadOnlyList<SearchHit>>(async connection =>
        {
            var filters = new List<string>();
            if (search.SessionId is not null)
                filters.Add("AND m.session_id = $session");
            if (search.SessionIds is not null)
                filters.Add("AND m.session_id IN (SELECT value FROM json_each($sessions))");
            if (search.ProjectDir is not null)
                filters.Add("AND " + ProjectFilter.Sql("m.project_dir"));
            if (search.Role is not null)
                filters.Add("AND m.role = $role");
            if (search.Since is not null)
                filters.Add("AND m.timestamp >= $since");
            if (search.Until is not null)
                filters.Add("AND m.timestamp < $until");
            // Messages in clear are found by their words, with the index's own passage; sealed ones by their tokens, their passage cut
            // from their text opened here. Each index gives its best; together, the best of both.
            var hits = await SearchIndexAsync(connection, "chat_messages_fts", "snippet(chat_messages_fts, 0, char(2), char(3), '…', 16)",
                MessageColumns.FtsQuery(search.Terms), filters, search, cancellationToken);
            if (MessageColumns.SealedFtsQuery(search.Terms, atRest) is { } tokens)
                hits.AddRange(await SearchIndexAsync(connection, "chat_messages_fts_sealed", "NULL", tokens, filters, search, cancellationToken));
            return hits.OrderByDescending(h => h.Score).Take(search.Limit).ToList();
        }, cancellationToken);
    }

    private async Task<List<SearchHit>> SearchIndexAsync(SqliteConnection connection, string index, string snippet, string query, List<string> filters,
        MessageSearch search, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT m.session_id, m.message_key, m.role, m.project_dir, m.timestamp, -bm25({index}), {snippet}, m.text, m.tool_text
            FROM {index} JOIN chat_messages m ON m.id = {index}.rowid
            WHERE {index} MATCH $query {string.Join(" ", filters)}
            ORDER BY bm25({index}) LIMIT $limit
            """;
        command.Bind("$query", query).Bind("$session", search.SessionId)
            .Bind("$sessions", search.SessionIds is { } ids ? System.Text.Json.JsonSerializer.Serialize(ids) : null).BindProject(search.ProjectDir)
            .Bind("$role", search.Role).Bind("$limit", search.Limit)
            .Bind("$since", search.Since is { } since ? SqliteValues.Time(since) : null)
            .Bind("$until", search.Until is { } until ? SqliteValues.Time(until) : null);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var hits = new List<SearchHit>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var (passage, marks) = reader.IsDBNull(6)
                // A sealed message's index holds tokens, not words: its passage is cut from its text, opened here.
                ? Snippets.Around((atRest.OpenText(reader.GetString(7), Record.Text) + "\n"
                    + atRest.OpenText(reader.ReadNullableString(8), Record.ToolText)).Trim('\n'), search.Terms)
                : Snippets.FromMarkers(reader.GetString(6));
            hits.Add(new SearchHit(reader.GetString(0), reader.GetString(1), reader.ReadNullableString(2), reader.ReadNullableString(3),
                reader.ReadTime(4), reader.GetDouble(5), passage, marks));
        }
        return hits;
    }

    /// <summary>Indexes up to <paramref name="max"/> of the messages waiting for the search index, oldest first, in one transaction; returns how many.</summary>
    public Task<int> IndexPendingAsync(int max, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => IndexPendingAsync(connection, transaction, max, cancellationToken), cancellationToken);

    /// <summary>
    /// A message in clear is indexed by its words, which the view gives; a sealed one (<c>sealed_search</c>) by its words' tokens under
    /// the current key, worked out here from its text opened, into an index that keeps nothing else.
    /// </summary>
    private async Task<int> IndexPendingAsync(SqliteConnection connection, SqliteTransaction transaction, int max, CancellationToken cancellationToken)
    {
        // Without a key no token can be worked out: a sealed message is then left out of search, as one sealed under a key no
        // longer held is, and nothing is read for it.
        if (atRest.HasKeys)
            IndexSealed(connection, max);
        await using var index = Command(connection, transaction, """
            INSERT INTO chat_messages_fts (rowid, text)
                SELECT v.id, v.text FROM chat_search_text v WHERE v.id IN (SELECT id FROM chat_fts_pending ORDER BY id LIMIT $max) ORDER BY v.id;
            DELETE FROM chat_fts_pending WHERE id IN (SELECT id FROM chat_fts_pending ORDER BY id LIMIT $max);
            SELECT changes();
            """);
        index.Bind("$max", max);
        return (int)(long)(await index.ExecuteScalarAsync(cancellationToken))!;
    }

    private void IndexSealed(SqliteConnection connection, int max)
    {
        // Read where SQLite holds each row: a sealed text is base64, and as a string it took twice its size again (a third of what a
        // host allocated while it ingested with encryption at rest on).
        using var sealedMessages = new SqliteRawStatement(connection, """
            SELECT m.id, m.text, m.tool_text FROM chat_messages m
            WHERE m.id IN (SELECT id FROM chat_fts_pending ORDER BY id LIMIT ?1) AND m.sealed_search = 1 AND m.kind = 'Message'
            ORDER BY m.id
            """);
        sealedMessages.Bind(max);
        using var insert = new SqliteRawStatement(connection, "INSERT INTO chat_messages_fts_sealed (rowid, tokens) VALUES (?1, ?2)");
        while (sealedMessages.Step())
        {
            using var tokens = TokensOf(sealedMessages.Bytes(1), sealedMessages.Bytes(2));
            if (tokens is not null)
                insert.Execute(sealedMessages.Int64(0), tokens);
        }
    }

    /// <summary>A sealed message's search tokens; null when they cannot be worked out (no key, or its text sealed under a key no longer held): search does not find it then.</summary>
    private RentedBytes? TokensOf(ReadOnlySpan<byte> text, ReadOnlySpan<byte> toolText)
    {
        try
        {
            return atRest.SearchTokensOfKept(text, Record.Text, toolText, Record.ToolText);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    public Task<(long Trimmed, long Bytes)> CleanupAsync(int retention, long maxSessionBytes, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var victims = new List<(long Id, long Bytes)>();
            var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
            await using (var sessions = Command(connection, transaction, $"""
                SELECT session_id, count(*), sum({RowBytes}) FROM chat_messages GROUP BY session_id
                HAVING count(*) > $retention OR sum({RowBytes}) > $max
                """))
            {
                sessions.Bind("$retention", retention).Bind("$max", maxSessionBytes);
                await using var reader = await sessions.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    sizes[reader.GetString(0)] = reader.GetInt64(2);
            }
            foreach (var (sessionId, size) in sizes)
            {
                await using var rows = Command(connection, transaction,
                    $"SELECT id, {RowBytes} FROM chat_messages WHERE session_id = $session ORDER BY timestamp, sequence, id");
                rows.Bind("$session", sessionId);
                await using var reader = await rows.ExecuteReaderAsync(cancellationToken);
                var all = new List<(long Id, long Bytes)>();
                while (await reader.ReadAsync(cancellationToken))
                    all.Add((reader.GetInt64(0), reader.GetInt64(1)));
                long bytes = size, count = all.Count;
                foreach (var row in all)
                {
                    if (count <= retention && bytes <= maxSessionBytes)
                        break;
                    victims.Add(row);
                    (count, bytes) = (count - 1, bytes - row.Bytes);
                }
            }
            foreach (var chunk in victims.Chunk(500))
            {
                await using var delete = Command(connection, transaction, """
                    DELETE FROM chat_messages WHERE id IN (SELECT value FROM json_each($ids)) RETURNING session_id, kind, problem IS NOT NULL, raw_block
                    """);
                delete.Bind("$ids", System.Text.Json.JsonSerializer.Serialize(chunk.Select(v => v.Id)));
                var removed = new List<(string Session, bool Conversation, bool Invalid)>();
                var blocks = new HashSet<long>();
                await using (var reader = await delete.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        removed.Add((reader.GetString(0), reader.GetString(1) == nameof(MessageKind.Message), reader.GetBoolean(2)));
                        if (!reader.IsDBNull(3))
                            blocks.Add(reader.GetInt64(3));
                    }
                }
                await DropUnusedBlocksAsync(connection, transaction, blocks, cancellationToken);
                foreach (var group in removed.GroupBy(r => r.Session))
                {
                    await using var update = Command(connection, transaction, """
                        UPDATE chat_sessions SET message_count = message_count - $trimmed, conversation_count = conversation_count - $conversation,
                            invalid_lines = invalid_lines - $invalid WHERE session_id = $session
                        """);
                    update.Bind("$session", group.Key).Bind("$trimmed", group.Count()).Bind("$conversation", group.Count(r => r.Conversation))
                        .Bind("$invalid", group.Count(r => r.Invalid));
                    await update.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            return ((long)victims.Count, victims.Sum(v => v.Bytes));
        }, cancellationToken);

    public string Name => "chat";

    /// <summary>
    /// Seals again a chunk of messages (their text, tool calls and own raw line; their search tokens made anew), then of raw blocks,
    /// then of tool output files, whose content is in clear or under an older key. What a row held before is overwritten in the file (<c>secure_delete</c>),
    /// and the search index is merged once every row is walked, so the words of rows kept in clear leave it.
    /// </summary>
    public Task<(string? Next, int Resealed)> ResealAsync(AtRest keys, string? cursor, int max, CancellationToken cancellationToken) =>
        database.OverwritingWriteAsync((connection, transaction) =>
        {
            var (table, after) = cursor?.Split(':') is [var t, var id] ? (t, long.Parse(id, System.Globalization.CultureInfo.InvariantCulture)) : ("m", 0L);
            return table switch
            {
                "m" => ResealMessagesAsync(connection, transaction, keys, after, max, cancellationToken),
                "b" => ResealBlocksAsync(connection, transaction, keys, after, max, cancellationToken),
                _ => ResealToolResultsAsync(connection, transaction, keys, after, max, cancellationToken),
            };
        }, cancellationToken);

    private static async Task<(string? Next, int Resealed)> ResealMessagesAsync(SqliteConnection connection, SqliteTransaction transaction, AtRest keys,
        long after, int max, CancellationToken cancellationToken)
    {
        var rows = new List<(long Id, string Kind, string Text, string? ToolText, string? Tools, byte[] Raw, string Encoding, bool SealedSearch)>();
        await using (var read = Command(connection, transaction, """
            SELECT id, kind, text, tool_text, tools, raw, raw_encoding, sealed_search FROM chat_messages WHERE id > $after ORDER BY id LIMIT $max
            """))
        {
            read.Bind("$after", after).Bind("$max", max);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.ReadNullableString(3), reader.ReadNullableString(4),
                    (byte[])reader.GetValue(5), reader.GetString(6), reader.GetInt64(7) == 1));
        }
        if (rows.Count == 0)
            return ("b:0", 0);
        await using var update = Command(connection, transaction, """
            UPDATE chat_messages SET text = $text, tool_text = $toolText, tools = $tools, raw = $raw, sealed_search = $sealedSearch WHERE id = $id
            """);
        var resealed = 0;
        foreach (var row in rows)
        {
            if (!keys.IsStale(row.Text) && !keys.IsStale(row.ToolText) && !keys.IsStale(row.Tools) && !(row.Encoding != InBlock && keys.IsStale(row.Raw))
                && (row.Kind != nameof(MessageKind.Message) || row.SealedSearch))
                continue;
            var (text, toolText) = (keys.OpenText(row.Text, Record.Text), keys.OpenText(row.ToolText, Record.ToolText));
            update.Parameters.Clear();
            update.Bind("$id", row.Id).Bind("$text", keys.SealText(text, Record.Text)).Bind("$toolText", keys.SealText(toolText, Record.ToolText))
                .Bind("$tools", keys.SealText(keys.OpenText(row.Tools, Record.Tools), Record.Tools))
                .Bind("$raw", row.Encoding == InBlock ? row.Raw : keys.Seal(keys.Open(row.Raw, Record.Raw), Record.Raw))
                .Bind("$sealedSearch", row.Kind == nameof(MessageKind.Message) ? 1 : 0); // its tokens are worked out as it is indexed again
            await update.ExecuteNonQueryAsync(cancellationToken);
            resealed++;
        }
        return ("m:" + rows[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture), resealed);
    }

    private static async Task<(string? Next, int Resealed)> ResealBlocksAsync(SqliteConnection connection, SqliteTransaction transaction, AtRest keys,
        long after, int max, CancellationToken cancellationToken)
    {
        // A block holds a batch of lines.
        var (last, resealed) = await ResealBlobsAsync(connection, transaction, keys, "chat_raw_blocks", Record.Block, after, Math.Max(1, max / 10), cancellationToken);
        if (last is not { } id)
        {
            // Every row walked: the index's segments are merged, so the words of rows that were kept in clear are gone from it.
            await using var optimize = Command(connection, transaction, "INSERT INTO chat_messages_fts (chat_messages_fts) VALUES ('optimize')");
            await optimize.ExecuteNonQueryAsync(cancellationToken);
            return ("t:0", 0);
        }
        return ("b:" + id.ToString(System.Globalization.CultureInfo.InvariantCulture), resealed);
    }

    private static async Task<(string? Next, int Resealed)> ResealToolResultsAsync(SqliteConnection connection, SqliteTransaction transaction, AtRest keys,
        long after, int max, CancellationToken cancellationToken)
    {
        // A file can be megabytes.
        var (last, resealed) = await ResealBlobsAsync(connection, transaction, keys, "chat_tool_results", Record.ToolResult, after, Math.Max(1, max / 50),
            cancellationToken);
        return last is { } id ? ("t:" + id.ToString(System.Globalization.CultureInfo.InvariantCulture), resealed) : (null, 0);
    }

    /// <summary>
    /// Seals again, under the current key, those of a table's next <paramref name="take"/> blobs (<c>id</c>, <c>bytes</c>, sealed as
    /// <paramref name="record"/>) after <paramref name="after"/> that are in clear or under another key; the last id read (null when none
    /// was left), and how many were sealed again.
    /// </summary>
    private static async Task<(long? Last, int Resealed)> ResealBlobsAsync(SqliteConnection connection, SqliteTransaction transaction, AtRest keys,
        string table, string record, long after, int take, CancellationToken cancellationToken)
    {
        var rows = new List<(long Id, byte[] Bytes)>();
        await using (var read = Command(connection, transaction, $"SELECT id, bytes FROM {table} WHERE id > $after ORDER BY id LIMIT $max"))
        {
            read.Bind("$after", after).Bind("$max", take);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                rows.Add((reader.GetInt64(0), (byte[])reader.GetValue(1)));
        }
        if (rows.Count == 0)
            return (null, 0);
        await using var update = Command(connection, transaction, $"UPDATE {table} SET bytes = $bytes WHERE id = $id");
        var resealed = 0;
        foreach (var (id, bytes) in rows.Where(r => keys.IsStale(r.Bytes)))
        {
            update.Parameters.Clear();
            update.Bind("$id", id).Bind("$bytes", keys.Seal(keys.Open(bytes, record), record));
            await update.ExecuteNonQueryAsync(cancellationToken);
            resealed++;
        }
        return (rows[^1].Id, resealed);
    }

    public Task<long> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => DeleteRowsAsync(connection, transaction, sessionId, cancellationToken), cancellationToken);

    public Task<long> EraseSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        database.OverwritingWriteAsync(async (connection, transaction) =>
        {
            var removed = await DeleteRowsAsync(connection, transaction, sessionId, cancellationToken);
            // The index's segments keep a deleted row's words until they are merged.
            await using var optimize = Command(connection, transaction, "INSERT INTO chat_messages_fts (chat_messages_fts) VALUES ('optimize')");
            await optimize.ExecuteNonQueryAsync(cancellationToken);
            return removed;
        }, cancellationToken, forgetOldPages: true);

    private static async Task<long> DeleteRowsAsync(SqliteConnection connection, SqliteTransaction transaction, string sessionId, CancellationToken cancellationToken)
    {
        await using var delete = Command(connection, transaction, "DELETE FROM chat_messages WHERE session_id = $session");
        delete.Bind("$session", sessionId);
        long removed = await delete.ExecuteNonQueryAsync(cancellationToken);
        foreach (var table in (string[])["chat_raw_blocks", "chat_tool_results"])
        {
            await using var kept = Command(connection, transaction, $"DELETE FROM {table} WHERE session_id = $session");
            kept.Bind("$session", sessionId);
            await kept.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var counts = Command(connection, transaction, "DELETE FROM chat_sessions WHERE session_id = $session");
        counts.Bind("$session", sessionId);
        await counts.ExecuteNonQueryAsync(cancellationToken);
        return removed;
    }

    private async Task<AppendResult> CountAsync(
        SqliteConnection connection, SqliteTransaction transaction, string sessionId, Tally tally, int retention, CancellationToken cancellationToken)
    {
        var count = (long)(await database.Kept(transaction, """
            INSERT INTO chat_sessions (session_id, message_count, conversation_count, invalid_lines) VALUES ($session, $added, $conversation, $invalid)
            ON CONFLICT (session_id) DO UPDATE SET message_count = message_count + excluded.message_count,
                conversation_count = conversation_count + excluded.conversation_count, invalid_lines = invalid_lines + excluded.invalid_lines
            RETURNING message_count
            """, "$session", "$added", "$conversation", "$invalid")
            .With(sessionId, tally.Added, tally.Conversation, tally.Invalid).ExecuteScalarAsync(cancellationToken))!;
        var trimmed = 0;
        if (count > retention)
        {
            int conversation = 0, invalid = 0;
            await using (var trim = Command(connection, transaction, """
                DELETE FROM chat_messages WHERE id IN (
                    SELECT id FROM chat_messages WHERE session_id = $session ORDER BY timestamp, sequence, id LIMIT $excess)
                RETURNING kind, problem IS NOT NULL, raw_block
                """))
            {
                trim.Bind("$session", sessionId).Bind("$excess", count - retention);
                var blocks = new HashSet<long>();
                await using (var reader = await trim.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        trimmed++;
                        conversation += reader.GetString(0) == nameof(MessageKind.Message) ? 1 : 0;
                        invalid += reader.GetBoolean(1) ? 1 : 0;
                        if (!reader.IsDBNull(2))
                            blocks.Add(reader.GetInt64(2));
                    }
                }
                await DropUnusedBlocksAsync(connection, transaction, blocks, cancellationToken);
            }
            await using var update = Command(connection, transaction, """
                UPDATE chat_sessions SET message_count = message_count - $trimmed, conversation_count = conversation_count - $conversation,
                    invalid_lines = invalid_lines - $invalid WHERE session_id = $session
                """);
            update.Bind("$session", sessionId).Bind("$trimmed", trimmed).Bind("$conversation", conversation).Bind("$invalid", invalid);
            await update.ExecuteNonQueryAsync(cancellationToken);
            count -= trimmed;
        }
        return new AppendResult(sessionId, tally.Added, tally.Merged, tally.Invalid, count, trimmed, tally.Usage);
    }

        /// <summary>The rows <paramref name="command"/> selects (<see cref="Columns"/>), with their raw lines read from their blocks when asked.</summary>
    private static async Task<List<ChatMessage>> ReadMessagesAsync(SqliteConnection connection, SqliteCommand command, bool includeRaw,
        AtRest atRest, CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage>();
        var inBlocks = new List<(int Index, long Block, int Start, int Length)>();
        await using (var rows = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await rows.ReadAsync(cancellationToken))
            {
                if (includeRaw && !rows.IsDBNull(20))
                    inBlocks.Add((messages.Count, rows.GetInt64(20), rows.GetInt32(21), rows.GetInt32(22)));
                messages.Add(Read(rows, includeRaw, atRest));
            }
        }
        if (inBlocks.Count > 0)
            await ReadRawLinesAsync(connection, messages, inBlocks, atRest, cancellationToken);
        return messages;
    }

    private static async Task ReadRawLinesAsync(SqliteConnection connection, List<ChatMessage> messages,
        List<(int Index, long Block, int Start, int Length)> inBlocks, AtRest atRest, CancellationToken cancellationToken)
    {
        var lines = await ReadBlockLinesAsync(connection, inBlocks.Select(b => (b.Block, b.Start, b.Length)).ToList(), atRest, cancellationToken);
        for (var i = 0; i < inBlocks.Count; i++)
            messages[inBlocks[i].Index] = messages[inBlocks[i].Index] with { Raw = lines[i] };
    }

    /// <summary>The raw lines at these places of their blocks, in the order asked; read block by block, each block once.</summary>
    private static async Task<string[]> ReadBlockLinesAsync(SqliteConnection connection, IReadOnlyList<(long Block, int Start, int Length)> wanted,
        AtRest atRest, CancellationToken cancellationToken)
    {
        var texts = new string[wanted.Count];
        await using var blocks = new RawBlocks(connection, atRest);
        foreach (var i in Enumerable.Range(0, wanted.Count).OrderBy(i => wanted[i].Block))
            texts[i] = System.Text.Encoding.UTF8.GetString((await blocks.LineAsync(wanted[i].Block, wanted[i].Start, wanted[i].Length, cancellationToken)).Span);
        return texts;
    }

    /// <summary>
    /// Lines out of stored raw blocks, each block read and unpacked into a pooled buffer when a line of it is asked for. Only the block
    /// last read is kept: a file's lines are asked for in their order, and a block holds a run of them. A block is read through SQLite's
    /// blob I/O into a pooled buffer (read as a value, each was an array of its own on the large-object heap), and each block held at
    /// once took a buffer the pool could not keep (an export's page held eight), so that an export set off a full collection for
    /// about every page.
    /// </summary>
    private sealed class RawBlocks(SqliteConnection connection, AtRest atRest) : IAsyncDisposable
    {
        private long _block;
        private PooledLines? _lines;
        private SqliteCommand? _read;

        /// <summary>The bytes of one line of a block; valid until the next line is asked for, or this is disposed.</summary>
        public async ValueTask<ReadOnlyMemory<byte>> LineAsync(long block, int start, int length, CancellationToken cancellationToken)
        {
            if (_lines is null || _block != block)
            {
                if (_read is null)
                {
                    _read = connection.CreateCommand();
                    _read.CommandText = "SELECT encoding FROM chat_raw_blocks WHERE id = $id";
                    _read.Parameters.Add(new SqliteParameter { ParameterName = "$id" });
                }
                _read.Parameters[0].Value = block;
                var encoding = await _read.ExecuteScalarAsync(cancellationToken) as string
                    ?? throw new InvalidDataException($"the raw block {block} of a chat message is missing");
                _lines?.Dispose();
                _lines = null; // not a disposed block's, should this one fail to unpack
                _lines = Unpack(block, encoding);
                _block = block;
            }
            return _lines.Bytes.Slice(start, length);
        }

        private PooledLines Unpack(long block, string encoding)
        {
            var buffers = TranscriptContent.Buffers;
            byte[]? stored;
            int length;
            using (var blob = new SqliteBlob(connection, "chat_raw_blocks", "bytes", block, readOnly: true))
            {
                length = checked((int)blob.Length);
                stored = buffers.Rent(Math.Max(length, 1));
                blob.ReadExactly(stored, 0, length);
            }
            try
            {
                if (AtRest.IsSealed(stored.AsSpan(0, length)))
                {
                    var plain = buffers.Rent(length);
                    try
                    {
                        length = atRest.Open(stored.AsSpan(0, length), plain, Record.Block);
                    }
                    catch
                    {
                        buffers.Return(plain);
                        throw;
                    }
                    buffers.Return(stored);
                    stored = plain;
                }
                if (encoding != TranscriptContent.Plain)
                    return TranscriptContent.Open(stored.AsMemory(0, length), encoding);
                // Plain lines are read where they lie: the buffer goes with them.
                var lines = TranscriptContent.Rented(stored, length);
                stored = null;
                return lines;
            }
            finally
            {
                if (stored is not null)
                    buffers.Return(stored);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _lines?.Dispose();
            _lines = null;
            if (_read is not null)
                await _read.DisposeAsync();
        }
    }

    private static ChatMessage Read(SqliteDataReader r, bool includeRaw, AtRest atRest) => new(
        r.GetString(0), r.GetString(1), Enum.Parse<MessageKind>(r.GetString(2)), r.GetString(3), r.ReadNullableString(4),
        r.ReadNullableString(5), r.ReadNullableString(6), r.IsDBNull(7) ? null : Guid.Parse(r.GetString(7)), r.ReadTime(8), r.GetInt64(9),
        r.ReadNullableString(10), atRest.OpenText(r.GetString(11), Record.Text), r.ReadNullableString(12),
        MessageColumns.Tools(atRest.OpenText(r.ReadNullableString(13), Record.Tools)),
        MessageColumns.Usage(r.ReadNullableString(14)), r.ReadNullableString(15), (MessageSources)r.GetInt32(16), r.ReadNullableString(17),
        includeRaw && r.GetString(19) != InBlock ? CompressedText.Decode((byte[])r.GetValue(18), r.GetString(19), atRest, Record.Raw) : "")
    {
        Undated = !r.IsDBNull(23) && r.GetInt64(23) == 0,
        File = r.GetString(24),
    };

    /// <summary>Blocks no row points into any more (their lines were trimmed) are dropped with the last of them.</summary>
    private static async Task DropUnusedBlocksAsync(SqliteConnection connection, SqliteTransaction transaction, IEnumerable<long> blocks,
        CancellationToken cancellationToken)
    {
        await using var drop = Command(connection, transaction,
            "DELETE FROM chat_raw_blocks WHERE id = $block AND NOT EXISTS (SELECT 1 FROM chat_messages WHERE raw_block = $block)");
        var block = drop.Parameters.Add(new SqliteParameter { ParameterName = "$block" });
        foreach (var id in blocks)
        {
            block.Value = id;
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private sealed class Tally
    {
        public int Added, Merged, Conversation, Invalid;

        public readonly List<RecordedUsage> Usage = [];
    }

    private enum Written { Duplicate, Added, Merged }

    /// <summary>
    /// Keeps each transcript file's <see cref="TranscriptDigest"/> up to date as an append stores its lines (<c>chat_files</c>). Only a
    /// file held from its first stored line on has one: a file some of whose lines were stored before digests were kept has none,
    /// and deleting any of a file's lines drops its digest (a trigger), so a digest that is there counts every line held.
    /// </summary>
    private sealed class FileDigests(SqliteDatabase database, SqliteTransaction transaction) : IDisposable
    {
        /// <summary>
        /// Per file touched: its lines and value before the append (null when it has no digest), and the lines the append stored, counted
        /// by the hash the file's digest has counted its lines by.
        /// </summary>
        private readonly Dictionary<(string Session, string File), ((long Lines, UInt128 Value)? Held, TranscriptDigest Added)> _files = [];

        /// <summary>Reads the file's digest before the append writes any of its lines.</summary>
        public async Task TouchAsync(string sessionId, string file, CancellationToken cancellationToken)
        {
            if (_files.ContainsKey((sessionId, file)))
                return;
            var command = database.Kept(transaction, """
                SELECT lines, digest_high, digest_low, algorithm FROM chat_files WHERE session_id = $session AND file = $file;
                SELECT EXISTS (SELECT 1 FROM chat_messages INDEXED BY ix_chat_messages_file_order
                    WHERE session_id = $session AND file = $file AND (sources & 2) != 0);
                """, "$session", "$file").With(sessionId, file);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            (long, UInt128)? held;
            var algorithm = TranscriptDigest.XxHash128;
            if (await reader.ReadAsync(cancellationToken))
                (held, algorithm) = ((reader.GetInt64(0), ReadDigest(reader, 1)), reader.GetString(3));
            else
            {
                await reader.NextResultAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                held = reader.GetBoolean(0) ? null : (0, UInt128.Zero); // lines held without a digest: it stays unknown
            }
            _files[(sessionId, file)] = (held, new TranscriptDigest(algorithm));
        }

        /// <summary>
        /// Counts a line the append stored (or that took over a hook's message). <paramref name="xxHash128"/> is the line's value by
        /// <see cref="TranscriptDigest.XxHash128"/>, worked out before the write: a file counted by another hash works its own out here.
        /// </summary>
        public void Add(string sessionId, string file, long offset, ReadOnlySpan<byte> line, UInt128 xxHash128)
        {
            if (_files[(sessionId, file)] is not { Held: not null, Added: var added })
                return;
            if (added.Algorithm == TranscriptDigest.XxHash128)
                added.AddValue(xxHash128);
            else
                added.Add(offset, line);
        }

        public async Task SaveAsync(CancellationToken cancellationToken)
        {
            foreach (var ((sessionId, file), (held, added)) in _files)
            {
                if (held is not { } before || added.Lines == 0)
                    continue;
                var value = before.Value ^ added.Value;
                await database.Kept(transaction, """
                    INSERT INTO chat_files (session_id, file, lines, digest_high, digest_low, algorithm) VALUES ($session, $file, $lines, $high, $low, $algorithm)
                    ON CONFLICT (session_id, file) DO UPDATE SET lines = excluded.lines, digest_high = excluded.digest_high, digest_low = excluded.digest_low
                    """, "$session", "$file", "$lines", "$high", "$low", "$algorithm")
                    .With(sessionId, file, before.Lines + added.Lines, unchecked((long)(ulong)(value >> 64)), unchecked((long)(ulong)value), added.Algorithm)
                    .ExecuteNonQueryAsync(cancellationToken);
            }
        }

        public void Dispose()
        {
            foreach (var (_, added) in _files.Values)
                added.Dispose();
        }
    }

    /// <summary>A file's digest as <c>chat_files</c> keeps it: its high and low 64 bits in two integer columns, from <paramref name="high"/> on.</summary>
    private static UInt128 ReadDigest(SqliteDataReader reader, int high) =>
        new(unchecked((ulong)reader.GetInt64(high)), unchecked((ulong)reader.GetInt64(high + 1)));

    /// <summary>
    /// A message's row values that do not depend on what the store holds: its text and tool calls as kept (sealed, when sealing, into
    /// pooled buffers given back by <see cref="Dispose"/>), its usage and time as text, its pairing hashes, and its line's value for
    /// the file's digest. Made for a whole batch before the store's one writer is taken (<c>bench ingest-stages</c>: about a quarter of
    /// what storing took in it), so that the writer spends its turn on SQLite.
    /// </summary>
    private sealed class RowValues : IDisposable
    {
        public required object? Text { get; init; }
        public required object? Tools { get; init; }
        public required object? ToolText { get; init; }
        public required string? Usage { get; init; }
        public required string Timestamp { get; init; }
        public required int ToolUses { get; init; }

        /// <summary>The pairing hash as kept and the one before a rotation (<see cref="AtRest.PairingHashes"/>); empty without a match hash.</summary>
        public required (string? Current, string? Previous) Pairing { get; init; }

        /// <summary>The line's value by <see cref="TranscriptDigest.XxHash128"/> (its offset, then its bytes); zero without a line.</summary>
        public required UInt128 LineValue { get; init; }

        public static RowValues[] Of(IReadOnlyList<ChatMessage> messages, AtRest atRest)
        {
            var values = new RowValues[messages.Count];
            using var digest = new TranscriptDigest(TranscriptDigest.XxHash128);
            try
            {
                for (var i = 0; i < values.Length; i++)
                {
                    var m = messages[i];
                    values[i] = new RowValues
                    {
                        Text = atRest.TextColumn(m.Text, Record.Text),
                        Tools = atRest.TextColumn(MessageColumns.Tools(m.Tools), Record.Tools),
                        ToolText = atRest.TextColumn(MessageColumns.ToolText(m.Tools), Record.ToolText),
                        Usage = MessageColumns.Usage(m.Usage),
                        Timestamp = SqliteValues.Time(m.Timestamp),
                        ToolUses = MessageColumns.ToolUses(m.Tools),
                        Pairing = m.MatchHash is null ? default : atRest.PairingHashes(m.MatchHash),
                        LineValue = m.Line is { } line ? digest.ValueOf(m.Sequence, line.Block.Line(line.Start, line.Length).Span) : UInt128.Zero,
                    };
                }
                return values;
            }
            catch
            {
                foreach (var made in values)
                    made?.Dispose();
                throw;
            }
        }

        public void Dispose() => RentedBytes.Return(Text, Tools, ToolText);

        /// <summary>A text column's value for a statement bound through its parameters: sealed, its bytes are ASCII (the mark, then base64).</summary>
        public static string? AsString(object? column) => column is RentedBytes sealedText ? System.Text.Encoding.ASCII.GetString(sealedText.Span) : (string?)column;
    }

    /// <summary>
    /// One append's rows, through statements the database keeps prepared from one append to the next: a transcript line of a big import
    /// costs one insert, two probes if a hook's message waits.
    /// </summary>
    private sealed class Writer(SqliteDatabase database, SqliteTransaction transaction, bool compress, AtRest atRest)
    {
        private readonly Dictionary<TranscriptBlock, long> _blocks = new(ReferenceEqualityComparer.Instance);

        /// <summary>Per session: whether a hook message waits for its transcript twin (asked once per append, then kept up to date).</summary>
        private readonly Dictionary<string, bool> _hooksAwaiting = new(StringComparer.Ordinal);

        private SqliteRawStatement _insert = null!, _insertBlock = null!;

        private SqliteCommand _byUuid = null!, _byEvent = null!, _hookAwaitingTranscript = null!, _transcriptAwaitingHook = null!,
            _joinTranscript = null!, _joinHook = null!, _anyHookAwaiting = null!, _response = null!;

        /// <summary>Takes the append's statements, prepared by the store's first append and kept by the database for the next.</summary>
        public void Prepare()
        {
            _insert = database.KeptRaw(transaction, $"""
                INSERT OR IGNORE INTO chat_messages ({Columns}, repeat_offset, tool_text, sealed_search, tool_uses, git_branch)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30)
                """);
            // Raw, as the messages' insert: a block is bound where it lies (a pooled buffer), not copied into an array of its size first.
            _insertBlock = database.KeptRaw(transaction, """
                INSERT INTO chat_raw_blocks (session_id, start_offset, end_offset, lines_length, encoding, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                """);
            _byUuid = Kept("SELECT sequence FROM chat_messages WHERE session_id = $session AND line_time = $time AND uuid = $uuid AND file = $file",
                "$session", "$time", "$uuid", "$file");
            _byEvent = Kept("SELECT 1 FROM chat_messages WHERE event_id = $event", "$event");
            _hookAwaitingTranscript = Kept("""
                SELECT id FROM chat_messages INDEXED BY ix_chat_messages_awaiting_transcript
                WHERE session_id = $session AND match_hash IN ($match, $previous) AND uuid IS NULL AND event_id IS NOT NULL AND timestamp BETWEEN $from AND $to
                ORDER BY timestamp, sequence LIMIT 1
                """, "$session", "$match", "$previous", "$from", "$to");
            // Named here and above: left to itself the planner may walk another of the session's indexes, every row of it.
            _anyHookAwaiting = Kept("""
                SELECT 1 FROM chat_messages INDEXED BY ix_chat_messages_awaiting_transcript
                WHERE session_id = $session AND uuid IS NULL AND event_id IS NOT NULL AND match_hash IS NOT NULL LIMIT 1
                """, "$session");
            // The session's lines written near the hook, in order: no index by text hash is kept over every line.
            _transcriptAwaitingHook = Kept("""
                SELECT id FROM chat_messages INDEXED BY ix_chat_messages_order
                WHERE session_id = $session AND timestamp BETWEEN $from AND $to AND match_hash IN ($match, $previous) AND event_id IS NULL AND uuid IS NOT NULL
                ORDER BY timestamp, sequence LIMIT 1
                """, "$session", "$from", "$to", "$match", "$previous");
            // The transcript's record is the fuller one (uuid, tree position, tools, usage, the raw line): it takes over the row.
            _joinTranscript = Kept("""
                UPDATE chat_messages SET uuid = $uuid, parent_uuid = $parent, record_type = $type, timestamp = $time, sequence = $sequence,
                    project_dir = coalesce($project, project_dir), tools = $tools, tool_text = $toolText, usage = $usage, model = $model, sources = sources | $sources,
                    problem = $problem, raw = $raw, raw_encoding = $encoding, raw_block = $block, raw_start = $start, raw_length = $length,
                    line_time = $lineTime, file = $file, sealed_search = $sealedSearch, tool_uses = $toolUses, git_branch = $branch
                WHERE id = $id
                """, "$uuid", "$parent", "$type", "$time", "$sequence", "$project", "$tools", "$toolText", "$usage", "$model",
                "$sources", "$problem", "$raw", "$encoding", "$block", "$start", "$length", "$lineTime", "$file", "$sealedSearch", "$toolUses", "$branch", "$id");
            _joinHook = Kept("UPDATE chat_messages SET event_id = $event, sources = sources | $sources WHERE id = $id",
                "$event", "$sources", "$id");
            _response = Kept("INSERT OR IGNORE INTO chat_responses (response_key, session_id) VALUES ($key, $session)",
                "$key", "$session");
        }

        /// <summary>
        /// True the first time a line of this API response is stored (in any session: a resumed session's file may repeat its
        /// parent's lines); its usage counts then and never again.
        /// </summary>
        public async Task<bool> FirstOfResponseAsync(ChatMessage m, CancellationToken cancellationToken) =>
            await _response.With(m.ResponseKey, m.SessionId).ExecuteNonQueryAsync(cancellationToken) == 1;

        public async Task<Written> WriteAsync(ChatMessage m, RowValues values, CancellationToken cancellationToken)
        {
            var eventId = m.EventId?.ToString();
            var lineTime = LineTime(m);
            var pairing = values.Pairing;
            if (m.MatchHash is not null)
            {
                // With no hook message waiting in the session, a transcript line has no twin to join: the insert alone tells a
                // line stored before (its key or its uuid is taken) from a new one.
                if (m.Uuid is not null)
                {
                    if (await HooksAwaitingAsync(m.SessionId, cancellationToken))
                    {
                        if (await OffsetsOfUuidAsync(m, lineTime, cancellationToken) is { Count: > 0 } offsets)
                            return offsets.Contains(m.Sequence) ? Written.Duplicate : Insert(m.AtItsOffset(), eventId, lineTime, Raw(m), values);
                        var (from, to) = TwinWindow(m);
                        if (await ScalarAsync(_hookAwaitingTranscript, cancellationToken, m.SessionId, pairing.Current, pairing.Previous, from, to) is long id)
                        {
                            var (raw, encoding, block, start, length) = Raw(m);
                            await ExecuteAsync(_joinTranscript, cancellationToken, m.Uuid, m.ParentUuid, m.RecordType, values.Timestamp,
                                m.Sequence, m.ProjectDir, RowValues.AsString(values.Tools), RowValues.AsString(values.ToolText), values.Usage, m.Model,
                                (int)m.Sources, m.Problem, raw, encoding, block, start, length, lineTime, m.File, SealedSearch(m),
                                values.ToolUses, m.GitBranch, id);
                            return Written.Merged;
                        }
                    }
                }
                else if (eventId is not null)
                {
                    if (await ExistsAsync(_byEvent, cancellationToken, eventId))
                        return Written.Duplicate;
                    var (from, to) = TwinWindow(m);
                    if (await ScalarAsync(_transcriptAwaitingHook, cancellationToken, m.SessionId, from, to, pairing.Current, pairing.Previous) is long id)
                    {
                        await ExecuteAsync(_joinHook, cancellationToken, eventId, (int)m.Sources, id);
                        return Written.Merged;
                    }
                }
            }
            var stored = Raw(m);
            var written = Insert(m, eventId, lineTime, stored, values);
            if (written == Written.Added && m.MatchHash is not null && m.Uuid is null && eventId is not null)
                _hooksAwaiting[m.SessionId] = true;
            // A uuid the session has already: the same line shipped again, or another line of the file with that uuid.
            if (written == Written.Duplicate && m.Uuid is not null && !(await OffsetsOfUuidAsync(m, lineTime, cancellationToken)).Contains(m.Sequence))
                written = Insert(m.AtItsOffset(), eventId, lineTime, stored, values);
            return written;
        }

        private Written Insert(ChatMessage m, string? eventId, long? lineTime, (byte[] Bytes, string Encoding, long? Block, int? Start, int? Length) raw,
            RowValues values) =>
            _insert.Execute(m.SessionId, m.Key, m.Kind.ToString(), m.RecordType, m.Role, m.Uuid, m.ParentUuid, eventId,
                values.Timestamp, m.Sequence, m.ProjectDir, values.Text, values.Pairing.Current, values.Tools,
                values.Usage, m.Model, (int)m.Sources, m.Problem, raw.Bytes, raw.Encoding, raw.Block, raw.Start, raw.Length,
                lineTime, m.File, m.RepeatsUuid ? m.Sequence : 0L, values.ToolText, SealedSearch(m), values.ToolUses, m.GitBranch) == 1
                ? Written.Added
                : Written.Duplicate;

        /// <summary>Whether a message is searched by its words' tokens (its text sealed): 1, else 0 (its words in clear).</summary>
        private long SealedSearch(ChatMessage m) => atRest.Seals && m.Kind == MessageKind.Message ? 1 : 0;

        /// <summary>The byte offsets of the session's lines stored with this uuid and line time.</summary>
        private async Task<List<long>> OffsetsOfUuidAsync(ChatMessage m, long? lineTime, CancellationToken cancellationToken)
        {
            await using var reader = await _byUuid.With(m.SessionId, lineTime, m.Uuid, m.File).ExecuteReaderAsync(cancellationToken);
            var offsets = new List<long>();
            while (await reader.ReadAsync(cancellationToken))
                offsets.Add(reader.GetInt64(0));
            return offsets;
        }

        /// <summary>When a message's twin may have been written.</summary>
        private static (string From, string To) TwinWindow(ChatMessage m) =>
            (SqliteValues.Time(m.Timestamp - MessageText.TwinWindow), SqliteValues.Time(m.Timestamp + MessageText.TwinWindow));

        /// <summary>With its uuid, what identifies a transcript record: its line's own time (0 when it has none); null without a uuid.</summary>
        private static long? LineTime(ChatMessage m) => m.Uuid is null ? null : m.Undated ? 0 : m.Timestamp.UtcTicks;

        private async Task<bool> HooksAwaitingAsync(string sessionId, CancellationToken cancellationToken)
        {
            if (!_hooksAwaiting.TryGetValue(sessionId, out var awaiting))
                _hooksAwaiting[sessionId] = awaiting = await ExistsAsync(_anyHookAwaiting, cancellationToken, sessionId);
            return awaiting;
        }

        /// <summary>
        /// How a message's raw JSON is kept: a transcript line as its place in its batch's block (the block written once, with the
        /// first of its lines that is stored), anything else compressed in its own row.
        /// </summary>
        private (byte[] Raw, string Encoding, long? Block, int? Start, int? Length) Raw(ChatMessage m)
        {
            if (m.Line is not { } line)
            {
                var (raw, encoding) = CompressedText.Encode(m.Raw, compress, atRest, Record.Raw);
                return (raw, encoding, null, null, null);
            }
            if (!_blocks.TryGetValue(line.Block, out var block))
            {
                var b = line.Block;
                var bytes = atRest.BlobColumn(b.Stored, Record.Block);
                try
                {
                    _insertBlock.Execute(b.SessionId, b.StartOffset, b.EndOffset, b.Lines.Length, b.Encoding, bytes);
                }
                finally
                {
                    RentedBytes.Return(bytes);
                }
                _blocks[b] = block = _insertBlock.LastRowId;
            }
            return ([], InBlock, block, line.Start, line.Length);
        }

        private SqliteCommand Kept(string sql, params string[] names) => database.Kept(transaction, sql, names);

        private static Task<int> ExecuteAsync(SqliteCommand command, CancellationToken cancellationToken, params object?[] values) =>
            command.With(values).ExecuteNonQueryAsync(cancellationToken);

        private static Task<object?> ScalarAsync(SqliteCommand command, CancellationToken cancellationToken, params object?[] values) =>
            command.With(values).ExecuteScalarAsync(cancellationToken);

        private static async Task<bool> ExistsAsync(SqliteCommand command, CancellationToken cancellationToken, params object?[] values) =>
            await ScalarAsync(command, cancellationToken, values) is not null;
    }
}
