using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Hosting.Storage;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Saver.Backups;
using SessionManagement.Saver.Cleanup;
using SessionManagement.Saver.Sessions;
using SessionManagement.Saver.Snapshots;

namespace SessionManagement.Saver.Storage;

internal sealed class SqliteSessionStore(SqliteDatabase database, IOptions<PersistenceOptions> persistence, AtRest atRest)
    : ISessionStore, ISessionBackupSource, ILegacyBackups, IArchiveStore, IAtRestRecords
{
    private const string EventColumns =
        "event_id, session_id, hook_event_name, received_at, capture_sequence, host, user_name, cwd, model, source, reason, raw_json, raw_encoding, git_branch";

    private const string SessionColumns =
        "session_id, project_dir, cwd, model, source, parent_session_id, status, started_at, last_event_at, ended_at, end_reason, " +
        "event_count, prompts, tool_calls, tool_failures, compactions, version, schema_version, checksum, subagents, notifications, git_branch, title";

    public Task<IReadOnlyList<SaveResult>> SaveAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken) =>
        database.WriteAsync<IReadOnlyList<SaveResult>>(async (connection, transaction) =>
        {
            var fresh = await InsertNewAsync(connection, transaction, events, cancellationToken);
            var results = new List<SaveResult>();
            await using var statements = new Statements(connection, transaction);
            foreach (var (sessionId, added) in fresh)
            {
                await AddToTalliesAsync(statements, sessionId, added, cancellationToken);
                var existing = await ReadSessionAsync(statements, sessionId, cancellationToken);
                var facts = await ReadFactsAsync(statements, sessionId, cancellationToken);
                var parent = existing?.ParentSessionId
                    ?? (SessionDerivation.ContinuesAnother(facts) ? await FindParentAsync(statements, facts, cancellationToken) : null);
                var state = SessionDerivation.Derive(facts, parent, (existing?.Version ?? 0) + 1);
                await WriteSessionAsync(statements, state, cancellationToken);
                results.Add(new SaveResult(state,
                    existing is null || added.Any(e => e.HookEventName == "SessionStart"),
                    state.Status == SessionStatus.Ended && added.Any(e => e.HookEventName == "SessionEnd"),
                    added.Count));
            }
            return results;
        }, cancellationToken);

    public Task<SessionState?> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var statements = new Statements(connection, null);
            return await ReadSessionAsync(statements, sessionId, cancellationToken);
        }, cancellationToken);

    public Task<SessionList> ListAsync(SessionQuery query, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            var filters = new List<string>(); // all but the project's
            if (query.Status is not null)
                filters.Add("status = $status");
            if (query.Since is not null)
                filters.Add("last_event_at >= $since");
            if (query.Until is not null)
                filters.Add("started_at < $until");
            if (query.User is not null)
                filters.Add($"({Owner("saver_sessions.session_id")}) = $user");
            if (query.GitBranch is not null)
                filters.Add("git_branch = $branch");
            if (query.Parent is not null)
                filters.Add("parent_session_id = $parent");
            if (query.IdPrefix is not null)
                filters.Add("session_id GLOB $prefix"); // a prefix of plain characters: a range of the primary key
            string Where(string? project) => project is null && filters.Count == 0 ? "" : "WHERE " + string.Join(" AND ", project is null ? filters : [project, .. filters]);
            void Bind(SqliteCommand command) => command.BindProject(query.ProjectDir).Bind("$status", query.Status?.ToString()).Bind("$user", query.User).Bind("$branch", query.GitBranch).Bind("$parent", query.Parent)
                .Bind("$prefix", query.IdPrefix is { } prefix ? prefix + "*" : null)
                .Bind("$since", query.Since is { } since ? SqliteValues.Time(since) : null)
                .Bind("$until", query.Until is { } until ? SqliteValues.Time(until) : null);

            var order = query.Order switch
            {
                SessionOrder.Started => "started_at DESC",
                SessionOrder.Oldest => "started_at",
                SessionOrder.Prompts => "prompts DESC",
                SessionOrder.Tools => "tool_calls DESC",
                _ => "last_event_at DESC",
            };
            string counted, listed;
            if (query.ProjectDir is null)
            {
                counted = $"SELECT count(*) FROM saver_sessions {Where(null)}";
                listed = $"SELECT session_id FROM saver_sessions {Where(null)} ORDER BY {order}, session_id LIMIT $limit OFFSET $skip";
            }
            else
            {
                // The project's own folder and its worktrees' (ProjectFilter), each read in its order through the folder's index as far as
                // the page goes, then merged: one condition for both would have SQLite sort every session of the project for each page.
                var (own, worktrees) = (Where(ProjectFilter.Own("project_dir")), Where(ProjectFilter.Worktrees("project_dir")));
                counted = $"SELECT (SELECT count(*) FROM saver_sessions {own}) + (SELECT count(*) FROM saver_sessions {worktrees})";
                const string columns = "session_id, started_at, last_event_at, prompts, tool_calls";
                listed = $"""
                    SELECT session_id FROM (
                        SELECT * FROM (SELECT {columns} FROM saver_sessions {own} ORDER BY {order}, session_id LIMIT $limit + $skip)
                        UNION ALL
                        SELECT * FROM (SELECT {columns} FROM saver_sessions {worktrees} ORDER BY {order}, session_id LIMIT $limit + $skip))
                    ORDER BY {order}, session_id LIMIT $limit OFFSET $skip
                    """;
            }

            long total;
            await using (var count = connection.CreateCommand())
            {
                count.CommandText = counted;
                Bind(count);
                total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
            }
            await using var command = connection.CreateCommand();
            command.CommandText = listed;
            Bind(command);
            command.Bind("$limit", query.Limit).Bind("$skip", query.Skip);
            var ids = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                    ids.Add(reader.GetString(0));
            }
            var sessions = new List<SessionState>(ids.Count);
            await using var statements = new Statements(connection, null);
            foreach (var id in ids)
            {
                if (await ReadSessionAsync(statements, id, cancellationToken) is { } state)
                    sessions.Add(state);
            }
            return new SessionList(total, sessions);
        }, cancellationToken);

    public Task<IReadOnlyList<StoredEvent>> EventsAsync(string sessionId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<StoredEvent>>(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {EventColumns} FROM saver_events WHERE session_id = $session ORDER BY received_at, capture_sequence";
            command.Bind("$session", sessionId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var events = new List<StoredEvent>();
            while (await reader.ReadAsync(cancellationToken))
                events.Add(ReadEvent(reader, withRaw: true));
            return events;
        }, cancellationToken);

    public Task<(long Total, IReadOnlyList<StoredEvent> Events)> EventsAsync(string sessionId, IReadOnlyCollection<string> names, int skip, int limit,
        CancellationToken cancellationToken) =>
        database.ReadAsync<(long, IReadOnlyList<StoredEvent>)>(async connection =>
        {
            var named = names.Select((_, i) => "$n" + i).ToList();
            var where = "session_id = $session" + (named.Count == 0 ? "" : $" AND hook_event_name IN ({string.Join(", ", named)})");
            void Bind(SqliteCommand command)
            {
                command.Bind("$session", sessionId);
                var i = 0;
                foreach (var name in names)
                    command.Bind(named[i++], name);
            }
            long total;
            await using (var count = connection.CreateCommand())
            {
                count.CommandText = $"SELECT count(*) FROM saver_events WHERE {where}";
                Bind(count);
                total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
            }
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {EventColumns} FROM saver_events WHERE {where} ORDER BY received_at, capture_sequence LIMIT $limit OFFSET $skip";
            Bind(command);
            command.Bind("$limit", limit).Bind("$skip", skip);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var events = new List<StoredEvent>();
            while (await reader.ReadAsync(cancellationToken))
                events.Add(ReadEvent(reader, withRaw: true));
            return (total, events);
        }, cancellationToken);

    public Task ChooseAsync(string projectDir, string sessionId, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, """
                INSERT INTO saver_project_choices (project_dir, session_id, chosen_at) VALUES ($project, $session, $at)
                ON CONFLICT (project_dir) DO UPDATE SET session_id = excluded.session_id, chosen_at = excluded.chosen_at
                """, sessionId);
            await command.Bind("$project", projectDir).Bind("$at", SqliteValues.Time(at)).ExecuteNonQueryAsync(cancellationToken);
            return 0;
        }, cancellationToken);

    public Task<(string SessionId, DateTimeOffset At)?> ChosenAsync(string projectDir, CancellationToken cancellationToken) =>
        database.ReadAsync<(string, DateTimeOffset)?>(async connection =>
        {
            await using var command = Command(connection, null, "SELECT session_id, chosen_at FROM saver_project_choices WHERE project_dir = $project", "");
            await using var reader = await command.Bind("$project", projectDir).ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.ReadTime(1)) : null;
        }, cancellationToken);

    /// <summary>
    /// Whose a session is, in SQL, for the session named by <paramref name="sessionId"/> (a column or a parameter): the user of its
    /// first hook, else who imported it.
    /// </summary>
    private static string Owner(string sessionId) =>
        $"SELECT COALESCE((SELECT e.user_name FROM saver_events e WHERE e.session_id = {sessionId} ORDER BY e.received_at, e.capture_sequence LIMIT 1), " +
        $"(SELECT o.user_name FROM saver_import_owners o WHERE o.session_id = {sessionId}))";

    public Task<string?> OwnerAsync(string sessionId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Owner("$session");
            command.Bind("$session", sessionId);
            return await command.ExecuteScalarAsync(cancellationToken) as string;
        }, cancellationToken);

    public Task RecordAuditAsync(IReadOnlyList<AuditRecorded> entries, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO saver_audit (audit_id, at, action, actor, origin, session_id, detail)
                VALUES ($id, $at, $action, $actor, $origin, $session, $detail) ON CONFLICT (audit_id) DO NOTHING
                """;
            foreach (var entry in entries)
            {
                command.Parameters.Clear();
                command.Bind("$id", entry.AuditId.ToString("N")).Bind("$at", entry.At.ToUnixTimeMilliseconds()).Bind("$action", entry.Action)
                    .Bind("$actor", entry.Actor).Bind("$origin", entry.Origin).Bind("$session", entry.SessionId).Bind("$detail", entry.Detail);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<AuditRecorded>> ListAuditAsync(ListAudit query, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<AuditRecorded>>(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT audit_id, at, action, actor, origin, session_id, detail FROM saver_audit
                WHERE ($action IS NULL OR action = $action) AND ($session IS NULL OR session_id = $session)
                  AND ($actor IS NULL OR actor = $actor) AND ($since IS NULL OR at >= $since)
                ORDER BY at DESC, audit_id DESC LIMIT $limit
                """;
            command.Bind("$action", query.Action).Bind("$session", query.SessionId).Bind("$actor", query.Actor)
                .Bind("$since", query.Since?.ToUnixTimeMilliseconds()).Bind("$limit", query.Limit);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var entries = new List<AuditRecorded>();
            while (await reader.ReadAsync(cancellationToken))
                entries.Add(new AuditRecorded(Guid.ParseExact(reader.GetString(0), "N"), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                    reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6)));
            return entries;
        }, cancellationToken);

    public Task<int> SnapshotAsync(IReadOnlyCollection<string>? sessionIds, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var changed = new List<string>();
            await using (var find = Command(connection, transaction, $$"""
                SELECT s.session_id FROM saver_sessions s LEFT JOIN saver_snapshots p ON p.session_id = s.session_id
                WHERE (p.version IS NULL OR p.version <> s.version) {{(sessionIds is null ? "" : "AND s.session_id IN (SELECT value FROM json_each($ids))")}}
                """, ""))
            {
                find.Bind("$ids", sessionIds is null ? null : System.Text.Json.JsonSerializer.Serialize(sessionIds));
                await using var reader = await find.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    changed.Add(reader.GetString(0));
            }
            await using var statements = new Statements(connection, transaction);
            foreach (var sessionId in changed)
            {
                var state = (await ReadSessionAsync(statements, sessionId, cancellationToken))!;
                var (body, encoding, checksum) = SnapshotCodec.Encode(state, persistence.Value.Compression, atRest);
                await using var write = Command(connection, transaction, """
                    INSERT OR REPLACE INTO saver_snapshots (session_id, version, schema_version, checksum, taken_at, body, encoding)
                    VALUES ($session, $version, $schema, $checksum, $taken, $body, $encoding)
                    """, sessionId);
                write.Bind("$version", state.Version).Bind("$schema", state.SchemaVersion).Bind("$checksum", checksum)
                    .Bind("$taken", SqliteValues.Time(now)).Bind("$body", body).Bind("$encoding", encoding);
                await write.ExecuteNonQueryAsync(cancellationToken);
            }
            return changed.Count;
        }, cancellationToken);

    public Task<IReadOnlyList<SessionState>> AdoptTranscriptsAsync(IReadOnlyList<SessionManagement.Contracts.Chat.TranscriptSummarized> transcripts,
        CancellationToken cancellationToken) =>
        database.WriteAsync<IReadOnlyList<SessionState>>(async (connection, transaction) =>
        {
            // In the writer's transaction, as every save of hooks is: no hook can be saved between the look and the write.
            await using var statements = new Statements(connection, transaction);
            var adopted = new List<SessionState>();
            foreach (var transcript in transcripts)
            {
                if (await AdoptAsync(statements, transcript, cancellationToken) is { } state)
                    adopted.Add(state);
            }
            return adopted;
        }, cancellationToken);

    private async Task<SessionState?> AdoptAsync(Statements statements, SessionManagement.Contracts.Chat.TranscriptSummarized transcript, CancellationToken cancellationToken)
    {
        if (await ScalarAsync(statements, "SELECT session_id FROM saver_events WHERE session_id = $session LIMIT 1", transcript.SessionId, cancellationToken) is not null)
            return null;
        var existing = await ReadSessionAsync(statements, transcript.SessionId, cancellationToken);
        var state = SessionDerivation.FromTranscript(transcript, (existing?.Version ?? 0) + 1);
        await WriteSessionAsync(statements, state, cancellationToken);
        // Kept for when hooks reach the session (it is resumed): they count only what happens from then on.
        var imported = statements.Get("""
            INSERT INTO saver_imported (session_id, first_at, last_at, prompts, tool_calls, cwd) VALUES ($session, $first, $last, $prompts, $tools, $cwd)
            ON CONFLICT (session_id) DO UPDATE SET
                first_at = excluded.first_at, last_at = excluded.last_at, prompts = excluded.prompts, tool_calls = excluded.tool_calls, cwd = excluded.cwd
            """, transcript.SessionId);
        imported.Bind("$first", SqliteValues.Time(transcript.FirstAt)).Bind("$last", SqliteValues.Time(transcript.LastAt)).Bind("$prompts", transcript.Prompts).Bind("$tools", transcript.ToolCalls)
            .Bind("$cwd", transcript.Cwd);
        await imported.ExecuteNonQueryAsync(cancellationToken);
        var firstPrompt = statements.Get(transcript.FirstPrompt is null
            ? $"DELETE FROM saver_transcript_titles WHERE session_id = $session AND kind = '{ImportedTranscript.FirstPromptKind}'"
            : $"""
                INSERT INTO saver_transcript_titles (session_id, kind, title, line_offset) VALUES ($session, '{ImportedTranscript.FirstPromptKind}', $title, 0)
                ON CONFLICT (session_id, kind) DO UPDATE SET title = excluded.title
                """, transcript.SessionId);
        if (transcript.FirstPrompt is not null)
            firstPrompt.Bind("$title", atRest.SealText(transcript.FirstPrompt, SaverRecords.Title));
        await firstPrompt.ExecuteNonQueryAsync(cancellationToken);
        if (transcript.ImportedBy is not null)
        {
            var owner = statements.Get("INSERT INTO saver_import_owners (session_id, user_name) VALUES ($session, $user) ON CONFLICT (session_id) DO NOTHING",
                transcript.SessionId);
            await owner.Bind("$user", transcript.ImportedBy).ExecuteNonQueryAsync(cancellationToken);
        }
        return state;
    }

    public Task<long> EventCountAsync(string sessionId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null, "SELECT count(*) FROM saver_events WHERE session_id = $session", sessionId);
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);

    public Task<SessionState?> DeriveAsync(string sessionId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var statements = new Statements(connection, null);
            // From the raw events themselves, not the tallies kept beside them: this is what recovery trusts when the stored
            // state no longer holds, and a damaged store can have lost events its tallies still count.
            var facts = await ReadFactsAsync(statements, sessionId, cancellationToken, fromEvents: true);
            if (facts.Tallies.Count == 0)
                return null;
            var parent = SessionDerivation.ContinuesAnother(facts) ? await FindParentAsync(statements, facts, cancellationToken) : null;
            return (SessionState?)SessionDerivation.Derive(facts, parent, 0);
        }, cancellationToken);

    public Task<SessionState?> NoteTranscriptModelAsync(string sessionId, string model, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var statements = new Statements(connection, transaction);
            return await NoteModelAsync(statements, sessionId, model, cancellationToken);
        }, cancellationToken);

    public Task<SessionState?> NoteTranscriptTitlesAsync(string sessionId, IReadOnlyList<TranscriptTitle> titles, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var statements = new Statements(connection, transaction);
            return await NoteTitlesAsync(statements, sessionId, titles, cancellationToken);
        }, cancellationToken);

    public Task NoteTranscriptFactsAsync(IReadOnlyList<TranscriptFacts> facts, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var statements = new Statements(connection, transaction);
            foreach (var fact in facts)
            {
                if (fact.Titles.Count > 0)
                    await NoteTitlesAsync(statements, fact.SessionId, fact.Titles, cancellationToken);
                if (fact.Model is { } model)
                    await NoteModelAsync(statements, fact.SessionId, model, cancellationToken);
                if (fact.ForkedFrom is { } origin && await ReadSessionAsync(statements, fact.SessionId, cancellationToken) is { } existing
                    && SessionDerivation.WithOrigin(existing, origin) is { } forked)
                    await WriteSessionAsync(statements, forked, cancellationToken);
            }
            return facts.Count;
        }, cancellationToken);

    private async Task<SessionState?> NoteModelAsync(Statements statements, string sessionId, string model, CancellationToken cancellationToken)
    {
        var note = statements.Get("""
            INSERT INTO saver_transcript_models (session_id, model) VALUES ($session, $model)
            ON CONFLICT (session_id) DO UPDATE SET model = excluded.model
            """, sessionId);
        note.Bind("$model", model);
        await note.ExecuteNonQueryAsync(cancellationToken);
        var existing = await ReadSessionAsync(statements, sessionId, cancellationToken);
        if (existing is null || existing.Model is not null)
            return null; // a session saved later takes the model from its facts
        var facts = await ReadFactsAsync(statements, sessionId, cancellationToken);
        var state = SessionDerivation.WithTranscriptModel(existing, facts, model);
        await WriteSessionAsync(statements, state, cancellationToken);
        return state;
    }

    private async Task<SessionState?> NoteTitlesAsync(Statements statements, string sessionId, IReadOnlyList<TranscriptTitle> titles, CancellationToken cancellationToken)
    {
        foreach (var title in titles)
        {
            // The latest line of each kind wins, whichever order the writes came in.
            var note = statements.Get("""
                INSERT INTO saver_transcript_titles (session_id, kind, title, line_offset) VALUES ($session, $kind, $title, $offset)
                ON CONFLICT (session_id, kind) DO UPDATE SET title = excluded.title, line_offset = excluded.line_offset
                WHERE excluded.line_offset >= line_offset
                """, sessionId);
            note.Bind("$kind", title.Kind).Bind("$title", atRest.SealText(title.Text, SaverRecords.Title)).Bind("$offset", title.Offset);
            await note.ExecuteNonQueryAsync(cancellationToken);
        }
        var existing = await ReadSessionAsync(statements, sessionId, cancellationToken);
        if (existing is null)
            return null; // a session saved later takes its title from its facts
        var state = SessionDerivation.WithTranscriptTitle(existing, await ReadFactsAsync(statements, sessionId, cancellationToken));
        if (state is not null)
            await WriteSessionAsync(statements, state, cancellationToken);
        return state;
    }

    public Task<SessionState> ReplaceAsync(SessionState state, long version, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var sealedState = SessionDerivation.Seal(state with { Version = version, SchemaVersion = SessionState.CurrentSchemaVersion });
            await using var statements = new Statements(connection, transaction);
            await WriteSessionAsync(statements, sealedState, cancellationToken);
            // A replaced state comes with tallies counted again from the raw events, so later saves build on the truth.
            await using (var recount = Command(connection, transaction, """
                DELETE FROM saver_tallies WHERE session_id = $session;
                INSERT INTO saver_tallies (session_id, hook_event_name, count, first_at, last_at)
                SELECT session_id, hook_event_name, count(*), min(received_at), max(received_at) FROM saver_events WHERE session_id = $session GROUP BY hook_event_name;
                """, state.SessionId))
                await recount.ExecuteNonQueryAsync(cancellationToken);
            return sealedState;
        }, cancellationToken);

    public Task<SessionSnapshot?> GetSnapshotAsync(string sessionId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var command = Command(connection, null,
                "SELECT version, schema_version, checksum, taken_at, body, encoding FROM saver_snapshots WHERE session_id = $session", sessionId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
                return null;
            var state = SnapshotCodec.Decode((byte[])reader.GetValue(4), reader.GetString(5), reader.GetString(2), atRest);
            return state is null ? null
                : new SessionSnapshot(sessionId, reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.ReadTime(3), state);
        }, cancellationToken);

    public Task<IReadOnlyDictionary<string, long>> VersionsAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyDictionary<string, long>>(async connection =>
        {
            await using var command = Command(connection, null, "SELECT session_id, version FROM saver_sessions", "");
            var versions = new Dictionary<string, long>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                versions[reader.GetString(0)] = reader.GetInt64(1);
            return versions;
        }, cancellationToken);

    public Task<SessionBackup?> ReadSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            await using var statements = new Statements(connection, null);
            if (await ReadSessionAsync(statements, sessionId, cancellationToken) is not { } state)
                return null;
            await using var command = Command(connection, null,
                $"SELECT {EventColumns} FROM saver_events WHERE session_id = $session ORDER BY received_at, capture_sequence, event_id", sessionId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var events = new List<StoredEvent>();
            while (await reader.ReadAsync(cancellationToken))
                events.Add(ReadEvent(reader, withRaw: true));
            await using var owner = Command(connection, null, "SELECT user_name FROM saver_import_owners WHERE session_id = $session", sessionId);
            return new SessionBackup(state, events, await owner.ExecuteScalarAsync(cancellationToken) as string);
        }, cancellationToken);

    public Task<IReadOnlyList<Guid>> LegacyBackupIdsAsync(int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<Guid>>(async connection =>
        {
            await using var command = Command(connection, null, "SELECT backup_id FROM saver_backups LIMIT $limit", "");
            command.Bind("$limit", limit);
            var ids = new List<Guid>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                ids.Add(Guid.Parse(reader.GetString(0)));
            return ids;
        }, cancellationToken);

    public Task<(BackupInfo Info, byte[] Body)?> GetLegacyAsync(Guid backupId, CancellationToken cancellationToken) =>
        database.ReadAsync<(BackupInfo, byte[])?>(async connection =>
        {
            await using var command = Command(connection, null,
                "SELECT backup_id, session_id, version, created_at, size_bytes, checksum, body FROM saver_backups WHERE backup_id = $id", "");
            command.Bind("$id", backupId.ToString());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? (ReadBackupInfo(reader), (byte[])reader.GetValue(6)) : null;
        }, cancellationToken);

    public Task DeleteLegacyAsync(IReadOnlyCollection<Guid> backupIds, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "DELETE FROM saver_backups WHERE backup_id IN (SELECT value FROM json_each($ids))", "");
            command.Bind("$ids", System.Text.Json.JsonSerializer.Serialize(backupIds.Select(id => id.ToString())));
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task RestoreAsync(SessionBackup backup, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var sessionId = backup.State.SessionId;
            await using (var clear = Command(connection, transaction,
                "DELETE FROM saver_events WHERE session_id = $session; DELETE FROM saver_tallies WHERE session_id = $session", sessionId))
                await clear.ExecuteNonQueryAsync(cancellationToken);
            var inserted = await InsertNewAsync(connection, transaction, backup.Events, cancellationToken);
            await using var statements = new Statements(connection, transaction);
            if (inserted.TryGetValue(sessionId, out var events))
                await AddToTalliesAsync(statements, sessionId, events, cancellationToken);
            await WriteSessionAsync(statements, backup.State, cancellationToken);
            if (backup.ImportedBy is not null)
            {
                await using var owner = Command(connection, transaction,
                    "INSERT INTO saver_import_owners (session_id, user_name) VALUES ($session, $user) ON CONFLICT (session_id) DO NOTHING", sessionId);
                await owner.Bind("$user", backup.ImportedBy).ExecuteNonQueryAsync(cancellationToken);
            }
            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<string>> EndedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<string>>(async connection =>
        {
            await using var command = Command(connection, null, """
                SELECT s.session_id FROM saver_sessions s
                WHERE s.status = 'Ended' AND s.ended_at < $cutoff AND NOT EXISTS (SELECT 1 FROM saver_archive a WHERE a.session_id = s.session_id)
                """, "");
            command.Bind("$cutoff", SqliteValues.Time(cutoff));
            var ids = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                ids.Add(reader.GetString(0));
            return ids;
        }, cancellationToken);

    public Task MarkArchivedAsync(string sessionId, Guid backupId, DateTimeOffset at, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction,
                "INSERT OR REPLACE INTO saver_archive (session_id, backup_id, archived_at) VALUES ($session, $backup, $at)", sessionId);
            command.Bind("$backup", backupId.ToString()).Bind("$at", SqliteValues.Time(at));
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<(long Bytes, long Events)> PurgeAsync(string sessionId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            long bytes, events;
            await using (var measure = Command(connection, transaction,
                "SELECT coalesce(sum(length(raw_json)), 0), count(*) FROM saver_events WHERE session_id = $session", sessionId))
            await using (var reader = await measure.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                (bytes, events) = (reader.GetInt64(0), reader.GetInt64(1));
            }
            await using var purge = Command(connection, transaction, """
                DELETE FROM saver_events WHERE session_id = $session;
                DELETE FROM saver_tallies WHERE session_id = $session;
                DELETE FROM saver_snapshots WHERE session_id = $session;
                DELETE FROM saver_sessions WHERE session_id = $session;
                """, sessionId);
            await purge.ExecuteNonQueryAsync(cancellationToken);
            return (bytes, events);
        }, cancellationToken);

    public Task<long> EraseAsync(string sessionId, CancellationToken cancellationToken) =>
        database.OverwritingWriteAsync(async (connection, transaction) =>
        {
            long events;
            await using (var count = Command(connection, transaction, """
                SELECT (SELECT count(*) FROM saver_events WHERE session_id = $session),
                    EXISTS (SELECT 1 FROM saver_sessions WHERE session_id = $session) OR EXISTS (SELECT 1 FROM saver_imported WHERE session_id = $session)
                """, sessionId))
            await using (var reader = await count.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                if (reader.GetInt64(0) == 0 && reader.GetInt64(1) == 0)
                    return -1;
                events = reader.GetInt64(0);
            }
            await using var erase = Command(connection, transaction, """
                DELETE FROM saver_events WHERE session_id = $session;
                DELETE FROM saver_tallies WHERE session_id = $session;
                DELETE FROM saver_snapshots WHERE session_id = $session;
                DELETE FROM saver_sessions WHERE session_id = $session;
                DELETE FROM saver_transcript_titles WHERE session_id = $session;
                DELETE FROM saver_transcript_models WHERE session_id = $session;
                DELETE FROM saver_import_owners WHERE session_id = $session;
                DELETE FROM saver_imported WHERE session_id = $session;
                DELETE FROM saver_archive WHERE session_id = $session;
                DELETE FROM saver_project_choices WHERE session_id = $session;
                """, sessionId);
            await erase.ExecuteNonQueryAsync(cancellationToken);
            return events;
        }, cancellationToken, forgetOldPages: true);

    public string Name => "saver";

    /// <summary>
    /// Seals again a chunk of the saver's content in clear or under an older key: raw events (by id), then snapshots, then titles
    /// (both by session). What a row held is overwritten in the file (<c>secure_delete</c>).
    /// </summary>
    public Task<(string? Next, int Resealed)> ResealAsync(AtRest keys, string? cursor, int max, CancellationToken cancellationToken) =>
        database.OverwritingWriteAsync(async (connection, transaction) =>
        {
            var (table, after) = cursor?.Split(':', 2) is [var t, var at] ? (t, at) : ("e", "");
            var (select, update, record, next) = table switch
            {
                "e" => ("SELECT event_id, raw_json FROM saver_events WHERE event_id > $after ORDER BY event_id LIMIT $max",
                    "UPDATE saver_events SET raw_json = $value WHERE event_id = $key", SaverRecords.Event, "s"),
                "s" => ("SELECT session_id, body FROM saver_snapshots WHERE session_id > $after ORDER BY session_id LIMIT $max",
                    "UPDATE saver_snapshots SET body = $value WHERE session_id = $key", SaverRecords.Snapshot, "t"),
                "t" => ("SELECT session_id || '/' || kind, title FROM saver_transcript_titles WHERE session_id || '/' || kind > $after ORDER BY 1 LIMIT $max",
                    "UPDATE saver_transcript_titles SET title = $value WHERE session_id || '/' || kind = $key", SaverRecords.Title, "n"),
                _ => ("SELECT session_id, title FROM saver_sessions WHERE session_id > $after AND title IS NOT NULL ORDER BY session_id LIMIT $max",
                    "UPDATE saver_sessions SET title = $value WHERE session_id = $key", SaverRecords.Title, (string?)null),
            };
            var rows = new List<(string Key, object Value)>();
            await using (var read = Command(connection, transaction, select, ""))
            {
                read.Bind("$after", after).Bind("$max", max);
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    rows.Add((reader.GetString(0), reader.GetValue(1)));
            }
            if (rows.Count == 0)
                return (next is null ? null : next + ":", 0);
            var resealed = 0;
            await using var write = Command(connection, transaction, update, "");
            foreach (var (key, value) in rows)
            {
                object? sealedAgain = value switch
                {
                    byte[] bytes when keys.IsStale(bytes) => keys.Seal(keys.Open(bytes, record), record),
                    string text when keys.IsStale(text) => keys.SealText(keys.OpenText(text, record), record),
                    _ => null,
                };
                if (sealedAgain is null)
                    continue;
                write.Parameters.Clear();
                write.Bind("$key", key).Bind("$value", sealedAgain);
                await write.ExecuteNonQueryAsync(cancellationToken);
                resealed++;
            }
            return ((string?)(table + ":" + rows[^1].Key), resealed);
        }, cancellationToken);

    private static BackupInfo ReadBackupInfo(SqliteDataReader reader) =>
        new(Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetInt64(2), reader.ReadTime(3), reader.GetInt64(4), reader.GetString(5));

    private async Task<Dictionary<string, List<StoredEvent>>> InsertNewAsync(
        SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = $"""
            INSERT OR IGNORE INTO saver_events ({EventColumns})
            VALUES ($id, $session, $event, $received, $sequence, $host, $user, $cwd, $model, $source, $reason, $raw, $encoding, $branch)
            """;
        var names = new[] { "$id", "$session", "$event", "$received", "$sequence", "$host", "$user", "$cwd", "$model", "$source", "$reason", "$raw", "$encoding", "$branch" };
        var p = names.Select(name => insert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
        await insert.PrepareAsync(cancellationToken);

        var fresh = new Dictionary<string, List<StoredEvent>>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            var (raw, encoding) = CompressedText.Encode(e.RawJson, persistence.Value.Compression, atRest, SaverRecords.Event);
            object?[] values = [e.EventId.ToString(), e.SessionId, e.HookEventName, SqliteValues.Time(e.ReceivedAt), e.CaptureSequence,
                e.Host, e.User, e.Cwd, e.Model, e.Source, e.Reason, raw, encoding, e.GitBranch];
            for (var i = 0; i < values.Length; i++)
                p[i].Value = values[i] ?? DBNull.Value;
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                if (!fresh.TryGetValue(e.SessionId, out var list))
                    fresh[e.SessionId] = list = [];
                list.Add(e);
            }
        }
        return fresh;
    }

    private async Task<SessionFacts> ReadFactsAsync(Statements statements, string sessionId, CancellationToken cancellationToken, bool fromEvents = false)
    {
        var tallies = new List<EventTally>();
        var command = statements.Get(fromEvents
            ? "SELECT hook_event_name, count(*), min(received_at), max(received_at) FROM saver_events WHERE session_id = $session GROUP BY hook_event_name"
            : "SELECT hook_event_name, count, first_at, last_at FROM saver_tallies WHERE session_id = $session", sessionId);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                tallies.Add(new EventTally(reader.GetString(0), reader.GetInt64(1), reader.ReadTime(2), reader.ReadTime(3)));
        }
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var kinds = await statements.Get("SELECT kind, title FROM saver_transcript_titles WHERE session_id = $session", sessionId)
            .ExecuteReaderAsync(cancellationToken))
        {
            while (await kinds.ReadAsync(cancellationToken))
                titles[kinds.GetString(0)] = kinds.GetString(1);
        }
        string? Title(string kind) => atRest.OpenText(titles.GetValueOrDefault(kind), SaverRecords.Title);
        var title = TranscriptTitle.Shown(Title(TranscriptTitle.Custom), Title(TranscriptTitle.Ai), Title(TranscriptTitle.Summary));
        var imported = await ImportedAsync(statements, sessionId, cancellationToken); // the first prompt it names is kept only with it
        return new SessionFacts(
            sessionId,
            tallies,
            await ScalarAsync(statements, "SELECT cwd FROM saver_events WHERE session_id = $session AND cwd IS NOT NULL ORDER BY received_at, capture_sequence LIMIT 1", sessionId, cancellationToken),
            await LatestAsync(statements, sessionId, "SessionStart", cancellationToken),
            await LatestAsync(statements, sessionId, "SessionEnd", cancellationToken),
            await ScalarAsync(statements, "SELECT cwd FROM saver_events WHERE session_id = $session AND cwd IS NOT NULL ORDER BY received_at DESC, capture_sequence DESC LIMIT 1", sessionId, cancellationToken),
            await ScalarAsync(statements, "SELECT git_branch FROM saver_events WHERE session_id = $session AND git_branch IS NOT NULL ORDER BY received_at DESC, capture_sequence DESC LIMIT 1", sessionId, cancellationToken),
            await ScalarAsync(statements, "SELECT model FROM saver_events WHERE session_id = $session AND hook_event_name = 'SessionStart' AND model IS NOT NULL ORDER BY received_at DESC, capture_sequence DESC LIMIT 1", sessionId, cancellationToken),
            await ScalarAsync(statements, "SELECT model FROM saver_transcript_models WHERE session_id = $session", sessionId, cancellationToken),
            title,
            title is not null ? null
                : imported is not null
                    && atRest.OpenText(await ScalarAsync(statements, $"SELECT title FROM saver_transcript_titles WHERE session_id = $session AND kind = '{ImportedTranscript.FirstPromptKind}'", sessionId, cancellationToken), SaverRecords.Title) is { } first
                    ? first
                    : await FirstPromptAsync(statements, sessionId, cancellationToken),
            imported);
    }

    /// <summary>What the session's imported transcript said before any hook reached it, if it was imported first.</summary>
    private static async Task<ImportedTranscript?> ImportedAsync(Statements statements, string sessionId, CancellationToken cancellationToken)
    {
        var command = statements.Get("SELECT first_at, last_at, prompts, tool_calls, cwd FROM saver_imported WHERE session_id = $session", sessionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ImportedTranscript(reader.ReadTime(0), reader.ReadTime(1), reader.GetInt64(2), reader.GetInt64(3), reader.ReadNullableString(4))
            : null;
    }

    // In the same transaction as the events' insert, and only for events new to the store: the tallies stay exact.
    private static async Task AddToTalliesAsync(Statements statements, string sessionId, List<StoredEvent> added, CancellationToken cancellationToken)
    {
        foreach (var group in added.GroupBy(e => e.HookEventName))
        {
            var command = statements.Get("""
                INSERT INTO saver_tallies (session_id, hook_event_name, count, first_at, last_at) VALUES ($session, $event, $count, $first, $last)
                ON CONFLICT (session_id, hook_event_name) DO UPDATE SET
                    count = count + excluded.count, first_at = min(first_at, excluded.first_at), last_at = max(last_at, excluded.last_at)
                """, sessionId);
            command.Bind("$event", group.Key).Bind("$count", group.Count())
                .Bind("$first", SqliteValues.Time(group.Min(e => e.ReceivedAt))).Bind("$last", SqliteValues.Time(group.Max(e => e.ReceivedAt)));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>The prompt of the session's earliest UserPromptSubmit.</summary>
    private async Task<string?> FirstPromptAsync(Statements statements, string sessionId, CancellationToken cancellationToken)
    {
        var command = statements.Get($"""
            SELECT {EventColumns} FROM saver_events WHERE session_id = $session AND hook_event_name = 'UserPromptSubmit'
            ORDER BY received_at, capture_sequence LIMIT 1
            """, sessionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? StoredEventReader.Prompt(ReadEvent(reader, withRaw: true).RawJson) : null;
    }

    private async Task<StoredEvent?> LatestAsync(Statements statements, string sessionId, string hookEventName, CancellationToken cancellationToken)
    {
        var command = statements.Get($"""
            SELECT {EventColumns} FROM saver_events WHERE session_id = $session AND hook_event_name = $event
            ORDER BY received_at DESC, capture_sequence DESC LIMIT 1
            """, sessionId);
        command.Bind("$event", hookEventName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadEvent(reader, withRaw: false) : null;
    }

    /// <summary>The project's session that was active last before this one started: the one a resume, fork or clear continues.</summary>
    private static async Task<string?> FindParentAsync(Statements statements, SessionFacts facts, CancellationToken cancellationToken)
    {
        var command = statements.Get("""
            SELECT session_id FROM saver_sessions
            WHERE project_dir = $project AND session_id <> $session AND started_at <= $start
            ORDER BY last_event_at DESC LIMIT 1
            """, facts.SessionId);
        command.Bind("$project", facts.FirstCwd ?? facts.LatestCwd ?? "").Bind("$start", SqliteValues.Time(facts.Tallies.Min(t => t.First)));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private async Task<SessionState?> ReadSessionAsync(Statements statements, string sessionId, CancellationToken cancellationToken)
    {
        var command = statements.Get($"SELECT {SessionColumns} FROM saver_sessions WHERE session_id = $session", sessionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        return new SessionState(reader.GetString(0), reader.GetString(1), reader.ReadNullableString(2), reader.ReadNullableString(3),
            reader.ReadNullableString(4), reader.ReadNullableString(5), Enum.Parse<SessionStatus>(reader.GetString(6)), reader.ReadTime(7),
            reader.ReadTime(8), reader.ReadNullableTime(9), reader.ReadNullableString(10), reader.GetInt64(11), reader.GetInt64(12),
            reader.GetInt64(13), reader.GetInt64(14), reader.GetInt64(15), reader.GetInt64(16), reader.GetInt32(17), reader.GetString(18),
            reader.GetInt64(19), reader.GetInt64(20), reader.ReadNullableString(21), atRest.OpenText(reader.ReadNullableString(22), SaverRecords.Title));
    }

    private async Task WriteSessionAsync(Statements statements, SessionState s, CancellationToken cancellationToken)
    {
        var command = statements.Get($"""
            INSERT OR REPLACE INTO saver_sessions ({SessionColumns})
            VALUES ($session, $project, $cwd, $model, $source, $parent, $status, $started, $last, $ended, $reason,
                    $events, $prompts, $tools, $failures, $compactions, $version, $schema, $checksum, $subagents, $notifications, $branch, $title)
            """, s.SessionId);
        command.Bind("$project", s.ProjectDir).Bind("$cwd", s.Cwd).Bind("$model", s.Model).Bind("$source", s.Source)
            .Bind("$parent", s.ParentSessionId).Bind("$status", s.Status.ToString()).Bind("$started", SqliteValues.Time(s.StartedAt))
            .Bind("$last", SqliteValues.Time(s.LastEventAt)).Bind("$ended", s.EndedAt is { } ended ? SqliteValues.Time(ended) : null)
            .Bind("$reason", s.EndReason).Bind("$events", s.EventCount).Bind("$prompts", s.Prompts).Bind("$tools", s.ToolCalls)
            .Bind("$failures", s.ToolFailures).Bind("$compactions", s.Compactions).Bind("$version", s.Version)
            .Bind("$schema", s.SchemaVersion).Bind("$checksum", s.Checksum).Bind("$subagents", s.Subagents).Bind("$notifications", s.Notifications)
            .Bind("$branch", s.GitBranch).Bind("$title", atRest.SealText(s.Title, SaverRecords.Title));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private StoredEvent ReadEvent(SqliteDataReader reader, bool withRaw) => new(
        Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.ReadTime(3), reader.GetInt64(4),
        reader.GetString(5), reader.GetString(6), reader.ReadNullableString(7), reader.ReadNullableString(8),
        reader.ReadNullableString(9), reader.ReadNullableString(10),
        withRaw ? CompressedText.Decode((byte[])reader.GetValue(11), reader.GetString(12), atRest, SaverRecords.Event) : "", reader.ReadNullableString(13));

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, string sessionId)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Bind("$session", sessionId);
        return command;
    }

    private static async Task<string?> ScalarAsync(Statements statements, string sql, string sessionId, CancellationToken cancellationToken) =>
        await statements.Get(sql, sessionId).ExecuteScalarAsync(cancellationToken) as string;

    /// <summary>
    /// The statements of one unit of work, each prepared once: saving a batch runs the same few queries for every session it
    /// touches, and parsing them again each time cost more than running them.
    /// </summary>
    private sealed class Statements(SqliteConnection connection, SqliteTransaction? transaction) : IAsyncDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        /// <summary>The statement for <paramref name="sql"/>, its parameters cleared and <c>$session</c> bound.</summary>
        public SqliteCommand Get(string sql, string sessionId)
        {
            if (!_commands.TryGetValue(sql, out var command))
                _commands[sql] = command = Command(connection, transaction, sql, sessionId);
            command.Parameters.Clear();
            return command.Bind("$session", sessionId);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in _commands.Values)
                await command.DisposeAsync();
        }
    }
}
