using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Hosting.Storage;
using SessionManagement.Saver.Backups;
using SessionManagement.Saver.Cleanup;
using SessionManagement.Saver.Sessions;
using SessionManagement.Saver.Snapshots;

namespace SessionManagement.Saver.Storage;

/// <summary>
/// Without transactions (the double has none, and they are not needed): events go in first, idempotently
/// by id; each touched session is then re-derived from all its events and written only over the version it
/// was derived from, retried on a lost race. A crash between the two leaves events that the next save of
/// the session counts, because state is always derived from every stored event.
/// </summary>
internal sealed class MongoSessionStore : ISessionStore, ISessionBackupSource, ILegacyBackups, IArchiveStore, IAtRestRecords
{
    private const int DuplicateKey = 11000;
    private const int MaxAttempts = 8;
    private readonly IMongoCollection<SaverEventDocument> _events;
    private readonly IMongoCollection<BsonDocument> _eventsRaw;
    private readonly IMongoCollection<SessionState> _sessions;
    private readonly IMongoCollection<SnapshotDocument> _snapshots;
    private readonly IMongoCollection<BackupDocument> _backups;
    private readonly IMongoCollection<BsonDocument> _archive;
    private readonly IMongoCollection<BsonDocument> _transcriptModels;
    private readonly IMongoCollection<BsonDocument> _transcriptTitles;
    private readonly IMongoCollection<BsonDocument> _projectChoices;
    private readonly IMongoCollection<BsonDocument> _audit;
    private readonly IMongoCollection<BsonDocument> _importOwners;
    private readonly IMongoCollection<BsonDocument> _imported;
    private readonly IOptions<PersistenceOptions> _persistence;

    private readonly AtRest _atRest;

    public MongoSessionStore(IMongoDatabase database, IOptions<PersistenceOptions> persistence, AtRest atRest)
    {
        _atRest = atRest;
        SaverMongoCollections.RegisterMaps();
        _events = database.GetCollection<SaverEventDocument>(SaverMongoCollections.Events);
        _eventsRaw = database.GetCollection<BsonDocument>(SaverMongoCollections.Events);
        _sessions = database.GetCollection<SessionState>(SaverMongoCollections.Sessions);
        _snapshots = database.GetCollection<SnapshotDocument>(SaverMongoCollections.Snapshots);
        _backups = database.GetCollection<BackupDocument>(SaverMongoCollections.Backups);
        _archive = database.GetCollection<BsonDocument>(SaverMongoCollections.Archive);
        _transcriptModels = database.GetCollection<BsonDocument>(SaverMongoCollections.TranscriptModels);
        _transcriptTitles = database.GetCollection<BsonDocument>(SaverMongoCollections.TranscriptTitles);
        _projectChoices = database.GetCollection<BsonDocument>(SaverMongoCollections.ProjectChoices);
        _audit = database.GetCollection<BsonDocument>(SaverMongoCollections.Audit);
        _importOwners = database.GetCollection<BsonDocument>(SaverMongoCollections.ImportOwners);
        _imported = database.GetCollection<BsonDocument>(SaverMongoCollections.Imported);
        _persistence = persistence;
    }

    public async Task<IReadOnlyList<SaveResult>> SaveAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        var fresh = await InsertNewAsync(events, cancellationToken);
        var results = new List<SaveResult>();
        foreach (var (sessionId, added) in fresh)
        {
            for (var attempt = 1; ; attempt++)
            {
                var existing = await GetAsync(sessionId, cancellationToken);
                var facts = await ReadFactsAsync(sessionId, cancellationToken);
                var parent = existing?.ParentSessionId
                    ?? (SessionDerivation.ContinuesAnother(facts) ? await FindParentAsync(facts, cancellationToken) : null);
                var state = SessionDerivation.Derive(facts, parent, (existing?.Version ?? 0) + 1);
                if (await TryWriteAsync(existing, state, cancellationToken))
                {
                    results.Add(new SaveResult(state,
                        existing is null || added.Any(e => e.HookEventName == "SessionStart"),
                        state.Status == SessionStatus.Ended && added.Any(e => e.HookEventName == "SessionEnd"),
                        added.Count));
                    break;
                }
                if (attempt == MaxAttempts)
                    throw new InvalidOperationException($"session {sessionId} kept changing under {MaxAttempts} saves; the message will be retried");
            }
        }
        return results;
    }

    public async Task<SessionState?> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        Opened(await _sessions.Find(s => s.SessionId == sessionId).FirstOrDefaultAsync(cancellationToken));

    /// <summary>A session as kept: its title (a prompt, or a summary of the conversation) sealed when encryption at rest is on.</summary>
    private SessionState Sealed(SessionState state) => state with { Title = _atRest.SealText(state.Title, SaverRecords.Title) };

    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(state))]
    private SessionState? Opened(SessionState? state) => state is null ? null : state with { Title = _atRest.OpenText(state.Title, SaverRecords.Title) };

    public async Task<SessionList> ListAsync(SessionQuery query, CancellationToken cancellationToken)
    {
        var filter = Builders<SessionState>.Filter.Empty;
        if (query.ProjectDir is not null)
            filter &= ProjectFilter.Mongo<SessionState>(s => s.ProjectDir, query.ProjectDir);
        if (query.Status is { } status)
            filter &= Builders<SessionState>.Filter.Eq(s => s.Status, status);
        if (query.Since is { } since)
            filter &= Builders<SessionState>.Filter.Gte(s => s.LastEventAt, since);
        if (query.Until is { } until)
            filter &= Builders<SessionState>.Filter.Lt(s => s.StartedAt, until);
        if (query.User is { } user)
        {
            // The sessions any hook of the user reached or the user imported, kept when they are the user's (OwnerAsync).
            var reached = await _events.Distinct(e => e.SessionId, Builders<SaverEventDocument>.Filter.Eq(e => e.User, user)).ToListAsync(cancellationToken);
            var imported = (await _importOwners.Find(new BsonDocument("user", user)).ToListAsync(cancellationToken)).Select(d => d["_id"].AsString);
            var owned = new List<string>();
            foreach (var session in reached.Union(imported))
                if (await OwnerAsync(session, cancellationToken) == user)
                    owned.Add(session);
            filter &= Builders<SessionState>.Filter.In(s => s.SessionId, owned);
        }
        if (query.GitBranch is { } branch)
            filter &= Builders<SessionState>.Filter.Eq(s => s.GitBranch, branch);
        if (query.Parent is { } parent)
            filter &= Builders<SessionState>.Filter.Eq(s => s.ParentSessionId, parent);
        if (query.IdPrefix is { } prefix)
            filter &= Builders<SessionState>.Filter.Regex(s => s.SessionId, new BsonRegularExpression("^" + System.Text.RegularExpressions.Regex.Escape(prefix)));
        var total = await _sessions.CountDocumentsAsync(filter, cancellationToken: cancellationToken);
        var by = Builders<SessionState>.Sort;
        var order = query.Order switch
        {
            SessionOrder.Started => by.Descending(s => s.StartedAt),
            SessionOrder.Oldest => by.Ascending(s => s.StartedAt),
            SessionOrder.Prompts => by.Descending(s => s.Prompts),
            SessionOrder.Tools => by.Descending(s => s.ToolCalls),
            _ => by.Descending(s => s.LastEventAt),
        };
        var sessions = await _sessions.Find(filter).Sort(by.Combine(order, by.Ascending(s => s.SessionId)))
            .Skip(query.Skip).Limit(query.Limit).ToListAsync(cancellationToken);
        return new SessionList(total, sessions.Select(s => Opened(s)).ToList());
    }

    public async Task<int> SnapshotAsync(IReadOnlyCollection<string>? sessionIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sessions = Builders<SessionState>.Filter.Empty;
        var snapshots = Builders<SnapshotDocument>.Filter.Empty;
        if (sessionIds is not null)
        {
            sessions = Builders<SessionState>.Filter.In(s => s.SessionId, sessionIds);
            snapshots = Builders<SnapshotDocument>.Filter.In(s => s.Id, sessionIds);
        }
        var taken = (await _snapshots.Find(snapshots).Project<SnapshotDocument>(Builders<SnapshotDocument>.Projection.Exclude(s => s.Body)).ToListAsync(cancellationToken))
            .ToDictionary(s => s.Id, s => s.Version, StringComparer.Ordinal);
        var written = 0;
        using var cursor = await _sessions.Find(sessions).ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var kept in cursor.Current)
            {
                if (taken.TryGetValue(kept.SessionId, out var version) && version == kept.Version)
                    continue;
                var state = Opened(kept);
                var (body, encoding, checksum) = SnapshotCodec.Encode(state, _persistence.Value.Compression, _atRest);
                await _snapshots.ReplaceOneAsync(s => s.Id == state.SessionId,
                    new SnapshotDocument(state.SessionId, state.Version, state.SchemaVersion, checksum, now, body, encoding),
                    new ReplaceOptions { IsUpsert = true }, cancellationToken);
                written++;
            }
        }
        return written;
    }

    public Task<long> EventCountAsync(string sessionId, CancellationToken cancellationToken) =>
        _events.CountDocumentsAsync(e => e.SessionId == sessionId, cancellationToken: cancellationToken);

    public async Task<SessionState?> DeriveAsync(string sessionId, CancellationToken cancellationToken)
    {
        var facts = await ReadFactsAsync(sessionId, cancellationToken);
        if (facts.Tallies.Count == 0)
            return null;
        var parent = SessionDerivation.ContinuesAnother(facts) ? await FindParentAsync(facts, cancellationToken) : null;
        return SessionDerivation.Derive(facts, parent, 0);
    }

    public async Task<IReadOnlyList<SessionState>> AdoptTranscriptsAsync(IReadOnlyList<SessionManagement.Contracts.Chat.TranscriptSummarized> transcripts,
        CancellationToken cancellationToken)
    {
        var adopted = new List<SessionState>();
        foreach (var transcript in transcripts)
        {
            if (await AdoptAsync(transcript, cancellationToken) is { } state)
                adopted.Add(state);
        }
        return adopted;
    }

    public async Task NoteTranscriptFactsAsync(IReadOnlyList<TranscriptFacts> facts, CancellationToken cancellationToken)
    {
        foreach (var fact in facts)
        {
            if (fact.Titles.Count > 0)
                await NoteTranscriptTitlesAsync(fact.SessionId, fact.Titles, cancellationToken);
            if (fact.Model is { } model)
                await NoteTranscriptModelAsync(fact.SessionId, model, cancellationToken);
            if (fact.ForkedFrom is { } origin)
                await NoteOriginAsync(fact.SessionId, origin, cancellationToken);
        }
    }

    private async Task NoteOriginAsync(string sessionId, string origin, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (await GetAsync(sessionId, cancellationToken) is not { } existing || SessionDerivation.WithOrigin(existing, origin) is not { } forked)
                return; // not saved yet (its hooks come before its lines), or already its parent
            if (await TryWriteAsync(existing, forked, cancellationToken))
                return;
            if (attempt == MaxAttempts)
                throw new InvalidOperationException($"session {sessionId} kept changing under {MaxAttempts} saves; the message will be retried");
        }
    }

    private async Task<SessionState?> AdoptAsync(SessionManagement.Contracts.Chat.TranscriptSummarized transcript, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            // Written only over the version looked at: a save of hooks meanwhile makes the write fail and the look come again.
            var existing = await GetAsync(transcript.SessionId, cancellationToken);
            if (await EventCountAsync(transcript.SessionId, cancellationToken) > 0)
                return null;
            var state = SessionDerivation.FromTranscript(transcript, (existing?.Version ?? 0) + 1);
            if (await TryWriteAsync(existing, state, cancellationToken))
            {
                // Kept for when hooks reach the session (it is resumed): they count only what happens from then on.
                await _imported.ReplaceOneAsync(new BsonDocument("_id", transcript.SessionId), new BsonDocument
                {
                    ["_id"] = transcript.SessionId, ["first_at"] = transcript.FirstAt.UtcDateTime, ["last_at"] = transcript.LastAt.UtcDateTime, ["prompts"] = transcript.Prompts,
                    ["tool_calls"] = transcript.ToolCalls, ["cwd"] = transcript.Cwd is null ? BsonNull.Value : transcript.Cwd,
                }, new ReplaceOptions { IsUpsert = true }, cancellationToken);
                var firstPrompt = new BsonDocument("_id", transcript.SessionId + "/" + ImportedTranscript.FirstPromptKind);
                if (transcript.FirstPrompt is null)
                    await _transcriptTitles.DeleteOneAsync(firstPrompt, cancellationToken);
                else
                    await _transcriptTitles.ReplaceOneAsync(firstPrompt, new BsonDocument
                    {
                        ["_id"] = transcript.SessionId + "/" + ImportedTranscript.FirstPromptKind, ["session_id"] = transcript.SessionId,
                        ["kind"] = ImportedTranscript.FirstPromptKind, ["title"] = _atRest.SealText(transcript.FirstPrompt, SaverRecords.Title), ["offset"] = 0L,
                    }, new ReplaceOptions { IsUpsert = true }, cancellationToken);
                if (transcript.ImportedBy is not null)
                    await _importOwners.UpdateOneAsync(new BsonDocument("_id", transcript.SessionId),
                        new BsonDocument("$setOnInsert", new BsonDocument("user", transcript.ImportedBy)), new UpdateOptions { IsUpsert = true }, cancellationToken);
                return state;
            }
            if (attempt == MaxAttempts)
                throw new InvalidOperationException($"session {transcript.SessionId} kept changing under {MaxAttempts} saves; the message will be retried");
        }
    }

    public async Task<SessionState?> NoteTranscriptModelAsync(string sessionId, string model, CancellationToken cancellationToken)
    {
        await _transcriptModels.ReplaceOneAsync(new BsonDocument("_id", sessionId), new BsonDocument { ["_id"] = sessionId, ["model"] = model },
            new ReplaceOptions { IsUpsert = true }, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await GetAsync(sessionId, cancellationToken);
            if (existing is null || existing.Model is not null)
                return null; // a session saved later takes the model from its facts
            var facts = await ReadFactsAsync(sessionId, cancellationToken);
            var state = SessionDerivation.WithTranscriptModel(existing, facts, model);
            if (await TryWriteAsync(existing, state, cancellationToken))
                return state;
            if (attempt == MaxAttempts)
                throw new InvalidOperationException($"session {sessionId} kept changing under {MaxAttempts} saves; the message will be retried");
        }
    }

    public Task ChooseAsync(string projectDir, string sessionId, DateTimeOffset at, CancellationToken cancellationToken) =>
        _projectChoices.ReplaceOneAsync(new BsonDocument("_id", projectDir),
            new BsonDocument { ["_id"] = projectDir, ["session_id"] = sessionId, ["chosen_at"] = at.UtcDateTime },
            new ReplaceOptions { IsUpsert = true }, cancellationToken);

    public async Task<string?> OwnerAsync(string sessionId, CancellationToken cancellationToken) =>
        (await _events.Find(e => e.SessionId == sessionId).SortBy(e => e.ReceivedAt).ThenBy(e => e.CaptureSequence).Limit(1)
            .FirstOrDefaultAsync(cancellationToken))?.User
        ?? (await _importOwners.Find(new BsonDocument("_id", sessionId)).FirstOrDefaultAsync(cancellationToken))?["user"].AsString;

    public async Task RecordAuditAsync(IReadOnlyList<AuditRecorded> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
            return;
        await _audit.BulkWriteAsync(entries.Select(e => new ReplaceOneModel<BsonDocument>(new BsonDocument("_id", e.AuditId.ToString("N")), new BsonDocument
        {
            ["_id"] = e.AuditId.ToString("N"), ["at"] = e.At.UtcDateTime, ["action"] = e.Action, ["actor"] = e.Actor, ["origin"] = e.Origin,
            ["session_id"] = (BsonValue?)e.SessionId ?? BsonNull.Value, ["detail"] = (BsonValue?)e.Detail ?? BsonNull.Value,
        }) { IsUpsert = true }), new BulkWriteOptions { IsOrdered = false }, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditRecorded>> ListAuditAsync(ListAudit query, CancellationToken cancellationToken)
    {
        var filter = new BsonDocument();
        if (query.Action is not null) filter["action"] = query.Action;
        if (query.SessionId is not null) filter["session_id"] = query.SessionId;
        if (query.Actor is not null) filter["actor"] = query.Actor;
        if (query.Since is { } since) filter["at"] = new BsonDocument("$gte", since.UtcDateTime);
        var found = await _audit.Find(filter).Sort(new BsonDocument { ["at"] = -1, ["_id"] = -1 }).Limit(query.Limit).ToListAsync(cancellationToken);
        return found.Select(d => new AuditRecorded(Guid.ParseExact(d["_id"].AsString, "N"), new DateTimeOffset(d["at"].ToUniversalTime(), TimeSpan.Zero),
            d["action"].AsString, d["actor"].AsString, d["origin"].AsString, d["session_id"].IsBsonNull ? null : d["session_id"].AsString,
            d["detail"].IsBsonNull ? null : d["detail"].AsString)).ToList();
    }

    public async Task<(string SessionId, DateTimeOffset At)?> ChosenAsync(string projectDir, CancellationToken cancellationToken) =>
        await _projectChoices.Find(new BsonDocument("_id", projectDir)).FirstOrDefaultAsync(cancellationToken) is { } choice
            ? (choice["session_id"].AsString, new DateTimeOffset(choice["chosen_at"].ToUniversalTime(), TimeSpan.Zero))
            : null;

    public async Task<SessionState?> NoteTranscriptTitlesAsync(string sessionId, IReadOnlyList<TranscriptTitle> titles, CancellationToken cancellationToken)
    {
        foreach (var title in titles)
        {
            // The latest line of each kind wins, whichever order the writes came in.
            var id = new BsonDocument("_id", sessionId + "/" + title.Kind);
            var kept = await _transcriptTitles.Find(id).FirstOrDefaultAsync(cancellationToken);
            if (kept is null || kept["offset"].ToInt64() <= title.Offset)
                await _transcriptTitles.ReplaceOneAsync(id, new BsonDocument
                {
                    ["_id"] = sessionId + "/" + title.Kind, ["session_id"] = sessionId, ["kind"] = title.Kind, ["title"] = _atRest.SealText(title.Text, SaverRecords.Title), ["offset"] = title.Offset,
                }, new ReplaceOptions { IsUpsert = true }, cancellationToken);
        }
        for (var attempt = 1; ; attempt++)
        {
            var existing = await GetAsync(sessionId, cancellationToken);
            if (existing is null)
                return null; // a session saved later takes its title from its facts
            var state = SessionDerivation.WithTranscriptTitle(existing, await ReadFactsAsync(sessionId, cancellationToken));
            if (state is null || await TryWriteAsync(existing, state, cancellationToken))
                return state;
            if (attempt == MaxAttempts)
                throw new InvalidOperationException($"session {sessionId} kept changing under {MaxAttempts} saves; the message will be retried");
        }
    }

    public async Task<SessionState> ReplaceAsync(SessionState state, long version, CancellationToken cancellationToken)
    {
        var sealedState = SessionDerivation.Seal(state with { Version = version, SchemaVersion = SessionState.CurrentSchemaVersion });
        await _sessions.ReplaceOneAsync(s => s.SessionId == state.SessionId, Sealed(sealedState), new ReplaceOptions { IsUpsert = true }, cancellationToken);
        return sealedState;
    }

    public async Task<IReadOnlyDictionary<string, long>> VersionsAsync(CancellationToken cancellationToken)
    {
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        using var cursor = await _sessions.Find(Builders<SessionState>.Filter.Empty).ToCursorAsync(cancellationToken);
        while (await cursor.MoveNextAsync(cancellationToken))
        {
            foreach (var state in cursor.Current)
                versions[state.SessionId] = state.Version;
        }
        return versions;
    }

    public async Task<SessionBackup?> ReadSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        await GetAsync(sessionId, cancellationToken) is { } state
            ? new SessionBackup(state, await EventsAsync(sessionId, cancellationToken),
                (await _importOwners.Find(new BsonDocument("_id", sessionId)).FirstOrDefaultAsync(cancellationToken))?["user"].AsString)
            : null;

    public async Task<IReadOnlyList<Guid>> LegacyBackupIdsAsync(int limit, CancellationToken cancellationToken) =>
        await _backups.Find(Builders<BackupDocument>.Filter.Empty).Limit(limit).Project(b => b.Id).ToListAsync(cancellationToken);

    public async Task<(BackupInfo Info, byte[] Body)?> GetLegacyAsync(Guid backupId, CancellationToken cancellationToken) =>
        await _backups.Find(b => b.Id == backupId).FirstOrDefaultAsync(cancellationToken) is { } document ? (Info(document), document.Body) : null;

    public Task DeleteLegacyAsync(IReadOnlyCollection<Guid> backupIds, CancellationToken cancellationToken) =>
        _backups.DeleteManyAsync(Builders<BackupDocument>.Filter.In(b => b.Id, backupIds), cancellationToken);

    public async Task RestoreAsync(SessionBackup backup, CancellationToken cancellationToken)
    {
        var sessionId = backup.State.SessionId;
        await _events.DeleteManyAsync(e => e.SessionId == sessionId, cancellationToken);
        await InsertNewAsync(backup.Events, cancellationToken);
        await _sessions.ReplaceOneAsync(s => s.SessionId == sessionId, Sealed(backup.State), new ReplaceOptions { IsUpsert = true }, cancellationToken);
        if (backup.ImportedBy is not null)
            await _importOwners.UpdateOneAsync(new BsonDocument("_id", sessionId),
                new BsonDocument("$setOnInsert", new BsonDocument("user", backup.ImportedBy)), new UpdateOptions { IsUpsert = true }, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> EndedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var ended = (await _sessions.Find(s => s.Status == SessionStatus.Ended && s.EndedAt < cutoff).ToListAsync(cancellationToken)).Select(s => s.SessionId).ToList();
        var archived = (await _archive.Find(Builders<BsonDocument>.Filter.In("_id", ended)).ToListAsync(cancellationToken))
            .Select(a => a["_id"].AsString).ToHashSet(StringComparer.Ordinal);
        return ended.Where(id => !archived.Contains(id)).ToList();
    }

    public Task MarkArchivedAsync(string sessionId, Guid backupId, DateTimeOffset at, CancellationToken cancellationToken) =>
        _archive.ReplaceOneAsync(new BsonDocument("_id", sessionId),
            new BsonDocument { { "_id", sessionId }, { "backupId", backupId.ToString() }, { "archivedAt", at.UtcDateTime } },
            new ReplaceOptions { IsUpsert = true }, cancellationToken);

    public async Task<(long Bytes, long Events)> PurgeAsync(string sessionId, CancellationToken cancellationToken)
    {
        var events = (await _events.Find(e => e.SessionId == sessionId).ToListAsync(cancellationToken)).Select(e => e.Raw).ToList();
        await _events.DeleteManyAsync(e => e.SessionId == sessionId, cancellationToken);
        await _snapshots.DeleteOneAsync(s => s.Id == sessionId, cancellationToken);
        await _sessions.DeleteOneAsync(s => s.SessionId == sessionId, cancellationToken);
        return (events.Sum(raw => (long)raw.Length), events.Count);
    }

    public async Task<long> EraseAsync(string sessionId, CancellationToken cancellationToken)
    {
        var events = await _events.CountDocumentsAsync(e => e.SessionId == sessionId, cancellationToken: cancellationToken);
        var held = events > 0 || await _sessions.Find(s => s.SessionId == sessionId).AnyAsync(cancellationToken)
            || await _imported.Find(new BsonDocument("_id", sessionId)).AnyAsync(cancellationToken);
        if (!held)
            return -1;
        await _events.DeleteManyAsync(e => e.SessionId == sessionId, cancellationToken);
        await _snapshots.DeleteOneAsync(s => s.Id == sessionId, cancellationToken);
        await _sessions.DeleteOneAsync(s => s.SessionId == sessionId, cancellationToken);
        await _transcriptTitles.DeleteManyAsync(new BsonDocument("session_id", sessionId), cancellationToken);
        foreach (var collection in new[] { _transcriptModels, _importOwners, _imported, _archive })
            await collection.DeleteOneAsync(new BsonDocument("_id", sessionId), cancellationToken);
        await _projectChoices.DeleteManyAsync(new BsonDocument("session_id", sessionId), cancellationToken);
        return events;
    }

    private static BackupInfo Info(BackupDocument d) => new(d.Id, d.SessionId, d.Version, d.CreatedAt, d.SizeBytes, d.Checksum);

    public async Task<SessionSnapshot?> GetSnapshotAsync(string sessionId, CancellationToken cancellationToken)
    {
        var document = await _snapshots.Find(s => s.Id == sessionId).FirstOrDefaultAsync(cancellationToken);
        if (document is null || SnapshotCodec.Decode(document.Body, document.Encoding, document.Checksum, _atRest) is not { } state)
            return null;
        return new SessionSnapshot(sessionId, document.Version, document.SchemaVersion, document.Checksum, document.TakenAt, state);
    }

    public async Task<IReadOnlyList<StoredEvent>> EventsAsync(string sessionId, CancellationToken cancellationToken)
    {
        var documents = await _events.Find(e => e.SessionId == sessionId)
            .SortBy(e => e.ReceivedAt).ThenBy(e => e.CaptureSequence).ToListAsync(cancellationToken);
        return documents.Select(d => ToEvent(d, withRaw: true)).ToList();
    }

    public async Task<(long Total, IReadOnlyList<StoredEvent> Events)> EventsAsync(string sessionId, IReadOnlyCollection<string> names, int skip, int limit,
        CancellationToken cancellationToken)
    {
        var filter = Builders<SaverEventDocument>.Filter.Eq(e => e.SessionId, sessionId);
        if (names.Count > 0)
            filter &= Builders<SaverEventDocument>.Filter.In(e => e.HookEventName, names);
        var total = await _events.CountDocumentsAsync(filter, cancellationToken: cancellationToken);
        var documents = await _events.Find(filter).SortBy(e => e.ReceivedAt).ThenBy(e => e.CaptureSequence).Skip(skip).Limit(limit).ToListAsync(cancellationToken);
        return (total, documents.Select(d => ToEvent(d, withRaw: true)).ToList());
    }

    private async Task<Dictionary<string, List<StoredEvent>>> InsertNewAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        // None to insert (the backup of a session no hook reached, an import): the driver refuses an empty insert.
        if (events.Count == 0)
            return new Dictionary<string, List<StoredEvent>>(StringComparer.Ordinal);
        var documents = events.Select(e =>
        {
            var (raw, encoding) = CompressedText.Encode(e.RawJson, _persistence.Value.Compression, _atRest, SaverRecords.Event);
            return new SaverEventDocument(e.EventId, e.SessionId, e.HookEventName, e.ReceivedAt, e.CaptureSequence, e.Host, e.User,
                e.Cwd, e.Model, e.Source, e.Reason, raw, encoding, e.GitBranch);
        }).ToList();
        var old = new HashSet<int>();
        try
        {
            await _events.InsertManyAsync(documents, new InsertManyOptions { IsOrdered = false }, cancellationToken);
        }
        catch (MongoBulkWriteException<SaverEventDocument> error) when (error.WriteErrors.All(e => e.Code == DuplicateKey))
        {
            old.UnionWith(error.WriteErrors.Select(e => e.Index));
        }
        var fresh = new Dictionary<string, List<StoredEvent>>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            if (old.Contains(i))
                continue;
            if (!fresh.TryGetValue(events[i].SessionId, out var list))
                fresh[events[i].SessionId] = list = [];
            list.Add(events[i]);
        }
        return fresh;
    }

    private async Task<SessionFacts> ReadFactsAsync(string sessionId, CancellationToken cancellationToken)
    {
        BsonDocument[] pipeline =
        [
            new("$match", new BsonDocument("sessionId", sessionId)),
            new("$group", new BsonDocument
            {
                { "_id", "$hookEventName" },
                { "count", new BsonDocument("$sum", 1) },
                { "first", new BsonDocument("$min", "$receivedAt") },
                { "last", new BsonDocument("$max", "$receivedAt") },
            }),
        ];
        var rows = await _eventsRaw.Aggregate<BsonDocument>(pipeline, cancellationToken: cancellationToken).ToListAsync(cancellationToken);
        var tallies = rows.Select(r => new EventTally(r["_id"].AsString, r["count"].ToInt64(),
            new DateTimeOffset(r["first"].ToUniversalTime()), new DateTimeOffset(r["last"].ToUniversalTime()))).ToList();
        var withCwd = Builders<SaverEventDocument>.Filter.Eq(e => e.SessionId, sessionId) & Builders<SaverEventDocument>.Filter.Ne(e => e.Cwd, null);
        var firstCwd = await _events.Find(withCwd).SortBy(e => e.ReceivedAt).ThenBy(e => e.CaptureSequence).Limit(1).FirstOrDefaultAsync(cancellationToken);
        var latestCwd = await _events.Find(withCwd).SortByDescending(e => e.ReceivedAt).ThenByDescending(e => e.CaptureSequence).Limit(1).FirstOrDefaultAsync(cancellationToken);
        var withBranch = Builders<SaverEventDocument>.Filter.Eq(e => e.SessionId, sessionId) & Builders<SaverEventDocument>.Filter.Ne(e => e.GitBranch, null);
        var latestBranch = await _events.Find(withBranch).SortByDescending(e => e.ReceivedAt).ThenByDescending(e => e.CaptureSequence).Limit(1).FirstOrDefaultAsync(cancellationToken);
        var withModel = Builders<SaverEventDocument>.Filter.Eq(e => e.SessionId, sessionId) & Builders<SaverEventDocument>.Filter.Eq(e => e.HookEventName, "SessionStart")
            & Builders<SaverEventDocument>.Filter.Ne(e => e.Model, null);
        var latestModel = await _events.Find(withModel).SortByDescending(e => e.ReceivedAt).ThenByDescending(e => e.CaptureSequence).Limit(1).FirstOrDefaultAsync(cancellationToken);
        var transcriptModel = await _transcriptModels.Find(new BsonDocument("_id", sessionId)).FirstOrDefaultAsync(cancellationToken);
        var titles = await _transcriptTitles.Find(new BsonDocument("session_id", sessionId)).ToListAsync(cancellationToken);
        string? Title(string kind) => _atRest.OpenText(titles.FirstOrDefault(t => t["kind"].AsString == kind)?["title"].AsString, SaverRecords.Title);
        var title = TranscriptTitle.Shown(Title(TranscriptTitle.Custom), Title(TranscriptTitle.Ai), Title(TranscriptTitle.Summary));
        var imported = await _imported.Find(new BsonDocument("_id", sessionId)).FirstOrDefaultAsync(cancellationToken);
        return new SessionFacts(sessionId, tallies, firstCwd?.Cwd,
            await LatestAsync(sessionId, "SessionStart", cancellationToken), await LatestAsync(sessionId, "SessionEnd", cancellationToken), latestCwd?.Cwd,
            latestBranch?.GitBranch, latestModel?.Model, transcriptModel?["model"].AsString, title,
            title is null ? Title(ImportedTranscript.FirstPromptKind) ?? await FirstPromptAsync(sessionId, cancellationToken) : null,
            imported is null ? null : new ImportedTranscript(new DateTimeOffset(imported["first_at"].ToUniversalTime(), TimeSpan.Zero),
                new DateTimeOffset(imported["last_at"].ToUniversalTime(), TimeSpan.Zero), imported["prompts"].ToInt64(),
                imported["tool_calls"].ToInt64(), imported["cwd"].IsBsonNull ? null : imported["cwd"].AsString));
    }

    /// <summary>The prompt of the session's earliest UserPromptSubmit.</summary>
    private async Task<string?> FirstPromptAsync(string sessionId, CancellationToken cancellationToken)
    {
        var first = await _events.Find(e => e.SessionId == sessionId && e.HookEventName == "UserPromptSubmit")
            .SortBy(e => e.ReceivedAt).ThenBy(e => e.CaptureSequence).Limit(1).FirstOrDefaultAsync(cancellationToken);
        return first is null ? null : StoredEventReader.Prompt(ToEvent(first, withRaw: true).RawJson);
    }

    private async Task<StoredEvent?> LatestAsync(string sessionId, string hookEventName, CancellationToken cancellationToken)
    {
        var latest = await _events.Find(e => e.SessionId == sessionId && e.HookEventName == hookEventName)
            .SortByDescending(e => e.ReceivedAt).ThenByDescending(e => e.CaptureSequence).Limit(1).FirstOrDefaultAsync(cancellationToken);
        return latest is null ? null : ToEvent(latest, withRaw: false);
    }

    private async Task<string?> FindParentAsync(SessionFacts facts, CancellationToken cancellationToken)
    {
        var project = facts.FirstCwd ?? facts.LatestCwd ?? "";
        var start = facts.Tallies.Min(t => t.First);
        var parent = await _sessions.Find(s => s.ProjectDir == project && s.SessionId != facts.SessionId && s.StartedAt <= start)
            .SortByDescending(s => s.LastEventAt).Limit(1).FirstOrDefaultAsync(cancellationToken);
        return parent?.SessionId;
    }

    private async Task<bool> TryWriteAsync(SessionState? existing, SessionState state, CancellationToken cancellationToken)
    {
        if (existing is null)
        {
            try
            {
                await _sessions.InsertOneAsync(Sealed(state), cancellationToken: cancellationToken);
                return true;
            }
            catch (MongoWriteException error) when (error.WriteError.Code == DuplicateKey)
            {
                return false; // another saver created it first: derive again over its version
            }
        }
        var replaced = await _sessions.ReplaceOneAsync(s => s.SessionId == state.SessionId && s.Version == existing.Version, Sealed(state), cancellationToken: cancellationToken);
        return replaced.MatchedCount == 1;
    }

    private StoredEvent ToEvent(SaverEventDocument d, bool withRaw) => new(d.Id, d.SessionId, d.HookEventName, d.ReceivedAt,
        d.CaptureSequence, d.Host, d.User, d.Cwd, d.Model, d.Source, d.Reason,
        withRaw ? CompressedText.Decode(d.Raw, d.RawEncoding, _atRest, SaverRecords.Event) : "", d.GitBranch);

    public string Name => "saver";

    /// <summary>Seals again a chunk of raw events (by id), then of sessions' titles, snapshots and transcript titles, in clear or under an older key.</summary>
    public async Task<(string? Next, int Resealed)> ResealAsync(AtRest keys, string? cursor, int max, CancellationToken cancellationToken)
    {
        var (phase, after) = cursor?.Split(':', 2) is [var p, var a] ? (p, a) : ("e", "");
        var resealed = 0;
        switch (phase)
        {
            case "e":
            {
                var filter = after.Length == 0 ? Builders<SaverEventDocument>.Filter.Empty : Builders<SaverEventDocument>.Filter.Gt(e => e.Id, Guid.Parse(after));
                var chunk = await _events.Find(filter).SortBy(e => e.Id).Limit(max).ToListAsync(cancellationToken);
                foreach (var d in chunk.Where(d => keys.IsStale(d.Raw)))
                {
                    await _events.UpdateOneAsync(e => e.Id == d.Id, Builders<SaverEventDocument>.Update.Set(e => e.Raw,
                        keys.Seal(keys.Open(d.Raw, SaverRecords.Event), SaverRecords.Event)), cancellationToken: cancellationToken);
                    resealed++;
                }
                return (chunk.Count == 0 ? "s:" : "e:" + chunk[^1].Id, resealed);
            }
            case "s":
            {
                var filter = after.Length == 0 ? Builders<SessionState>.Filter.Empty : Builders<SessionState>.Filter.Gt(s => s.SessionId, after);
                var chunk = await _sessions.Find(filter).SortBy(s => s.SessionId).Limit(max).ToListAsync(cancellationToken);
                foreach (var state in chunk.Where(s => keys.IsStale(s.Title)))
                {
                    await _sessions.UpdateOneAsync(s => s.SessionId == state.SessionId, Builders<SessionState>.Update.Set(s => s.Title,
                        keys.SealText(keys.OpenText(state.Title, SaverRecords.Title), SaverRecords.Title)), cancellationToken: cancellationToken);
                    resealed++;
                }
                foreach (var snapshot in await _snapshots.Find(Builders<SnapshotDocument>.Filter.In(s => s.Id, chunk.Select(c => c.SessionId))).ToListAsync(cancellationToken))
                {
                    if (!keys.IsStale(snapshot.Body))
                        continue;
                    await _snapshots.UpdateOneAsync(s => s.Id == snapshot.Id, Builders<SnapshotDocument>.Update.Set(s => s.Body,
                        keys.Seal(keys.Open(snapshot.Body, SaverRecords.Snapshot), SaverRecords.Snapshot)), cancellationToken: cancellationToken);
                    resealed++;
                }
                foreach (var title in await _transcriptTitles.Find(Builders<BsonDocument>.Filter.In("session_id", chunk.Select(c => c.SessionId))).ToListAsync(cancellationToken))
                {
                    if (!keys.IsStale(title["title"].AsString))
                        continue;
                    await _transcriptTitles.UpdateOneAsync(new BsonDocument("_id", title["_id"]), Builders<BsonDocument>.Update.Set("title",
                        keys.SealText(keys.OpenText(title["title"].AsString, SaverRecords.Title), SaverRecords.Title)), cancellationToken: cancellationToken);
                    resealed++;
                }
                return (chunk.Count == 0 ? null : "s:" + chunk[^1].SessionId, resealed);
            }
            default:
                return (null, 0);
        }
    }
}
