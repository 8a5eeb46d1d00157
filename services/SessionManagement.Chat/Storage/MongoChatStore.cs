using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using SessionManagement.Chat.Messages;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Hosting.Storage;
using Record = SessionManagement.Chat.Storage.MessageColumns.Record;

namespace SessionManagement.Chat.Storage;

/// <summary>
/// Messages keyed by session and message key, so a redelivered record is a duplicate-key no-op. A prompt or
/// reply joins its twin (hook and transcript) with one atomic find-and-modify on the twin still waiting.
/// </summary>
internal sealed class MongoChatStore : IChatStore, IAtRestRecords
{
    private const int DuplicateKey = 11000;

    /// <summary>A joined message was seen by its hook and in the transcript, whichever came first.</summary>
    private const int SeenBothWays = (int)(MessageSources.Hook | MessageSources.Transcript);
    private static readonly FilterDefinitionBuilder<ChatMessageDocument> Filter = Builders<ChatMessageDocument>.Filter;

    /// <summary>Documents seen in the transcript (alone or joined to their hook's message): the file's own lines.</summary>
    private static readonly FilterDefinition<ChatMessageDocument> FromTranscript =
        Filter.In(m => m.Sources, [(int)MessageSources.Transcript, SeenBothWays]);

    /// <summary>The documents of a session's own transcript and hooks, none of a subagent's (documents stored before files were kept have no file).</summary>
    private static readonly FilterDefinition<ChatMessageDocument> OwnFile = Filter.Eq(m => m.File, "") | Filter.Exists(m => m.File, false);

    private static FilterDefinition<ChatMessageDocument> InFile(string file) => file.Length == 0 ? OwnFile : Filter.Eq(m => m.File, file);
    private readonly IMongoCollection<ChatMessageDocument> _messages;
    private readonly IMongoCollection<ChatSessionCounts> _sessions;
    private readonly IMongoCollection<BsonDocument> _responses;
    private readonly IMongoCollection<BsonDocument> _toolResults;
    private readonly IOptions<ChatManagementOptions> _chat;
    private readonly AtRest _atRest;

    public MongoChatStore(IMongoDatabase database, IOptions<ChatManagementOptions> chat, AtRest atRest)
    {
        _atRest = atRest;
        ChatMongoCollections.RegisterMaps();
        _messages = database.GetCollection<ChatMessageDocument>(ChatMongoCollections.Messages);
        _sessions = database.GetCollection<ChatSessionCounts>(ChatMongoCollections.Sessions);
        _responses = database.GetCollection<BsonDocument>(ChatMongoCollections.Responses);
        _toolResults = database.GetCollection<BsonDocument>(ChatMongoCollections.ToolResults);
        _chat = chat;
    }

    public async Task<IReadOnlyList<AppendResult>> AppendAsync(IReadOnlyList<ChatMessage> messages, int retention, CancellationToken cancellationToken)
    {
        var merged = new Dictionary<string, int>(StringComparer.Ordinal);
        List<ChatMessage> inserted = [], joined = [];
        foreach (var message in messages)
        {
            switch (await TryJoinAsync(message, cancellationToken))
            {
                case JoinOutcome.Duplicate:
                    merged.TryAdd(message.SessionId, 0);
                    break;
                case JoinOutcome.Joined:
                    merged[message.SessionId] = merged.GetValueOrDefault(message.SessionId) + 1;
                    joined.Add(message);
                    break;
                case JoinOutcome.Repeated:
                    inserted.Add(message.AtItsOffset());
                    break;
                default:
                    inserted.Add(message);
                    break;
            }
        }

        var fresh = await InsertNewAsync(inserted, cancellationToken);
        // A uuid the session has already: the same line shipped again, or another line of the file with that uuid.
        var repeated = new List<ChatMessage>();
        var storedNow = fresh.ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var m in inserted.Where(m => !storedNow.Contains(m)))
            if (m.Uuid is not null && m.Key == "u:" + m.Uuid && !(await OffsetsOfUuidAsync(m, cancellationToken)).Contains(m.Sequence))
                repeated.Add(m.AtItsOffset());
        fresh.AddRange(await InsertNewAsync(repeated, cancellationToken));

        var results = new List<AppendResult>();
        var added = fresh.GroupBy(m => m.SessionId).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var stored = fresh.Concat(joined).Where(m => m.Usage is not null).ToList();
        var usage = (await FirstOfResponsesAsync(stored, cancellationToken))
            .Select(m => (m.SessionId, Usage: AppendResult.UsageOf(m)!))
            .ToLookup(u => u.SessionId, u => u.Usage, StringComparer.Ordinal);
        foreach (var sessionId in messages.Select(m => m.SessionId).Distinct(StringComparer.Ordinal))
        {
            var itsOwn = added.GetValueOrDefault(sessionId) ?? [];
            var conversation = itsOwn.Count(m => m.Kind == MessageKind.Message);
            var invalid = itsOwn.Count(AppendResult.IsUnreadLine);
            var counts = await IncrementAsync(sessionId, itsOwn.Count, conversation, invalid, cancellationToken);
            var trimmed = 0;
            if (counts.MessageCount > retention)
            {
                trimmed = await TrimAsync(sessionId, counts.MessageCount - retention, cancellationToken);
                counts = counts with { MessageCount = counts.MessageCount - trimmed };
            }
            results.Add(new AppendResult(sessionId, itsOwn.Count, merged.GetValueOrDefault(sessionId), invalid, counts.MessageCount, trimmed,
                usage[sessionId].ToList()));
        }
        return results;
    }

    /// <summary>
    /// The messages whose usage counts: those of a response (<see cref="ChatMessage.ResponseKey"/>) not counted before, in any
    /// session, and those that name no response. A response is recorded by its key, so a second line of it is refused.
    /// </summary>
    private async Task<IReadOnlyList<ChatMessage>> FirstOfResponsesAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var keyed = messages.Where(m => m.ResponseKey is not null).ToList();
        if (keyed.Count == 0)
            return messages;
        var refused = new HashSet<int>();
        try
        {
            await _responses.InsertManyAsync(keyed.Select(m => new BsonDocument { ["_id"] = m.ResponseKey, ["session_id"] = m.SessionId }),
                new InsertManyOptions { IsOrdered = false }, cancellationToken);
        }
        catch (MongoBulkWriteException<BsonDocument> error) when (error.WriteErrors.All(e => e.Code == DuplicateKey))
        {
            refused.UnionWith(error.WriteErrors.Select(e => e.Index));
        }
        var repeated = keyed.Where((_, i) => refused.Contains(i)).ToHashSet(ReferenceEqualityComparer.Instance);
        return messages.Where(m => !repeated.Contains(m)).ToList();
    }

    public async Task<ChatPage> PageAsync(string sessionId, int skip, int limit, bool includeRecords, bool includeRaw, CancellationToken cancellationToken)
    {
        var counts = await _sessions.Find(c => c.Id == sessionId).FirstOrDefaultAsync(cancellationToken);
        var filter = Filter.Eq(m => m.SessionId, sessionId);
        if (!includeRecords)
            filter &= Filter.Eq(m => m.Kind, nameof(MessageKind.Message));
        var find = _messages.Find(filter).SortBy(m => m.Timestamp).ThenBy(m => m.Sequence).ThenBy(m => m.Id).Skip(skip).Limit(limit);
        if (!includeRaw)
            find = find.Project<ChatMessageDocument>(Builders<ChatMessageDocument>.Projection.Exclude(m => m.Raw));
        // Limit(0) means "no limit" to MongoDB; a page of none is asked for to learn the total.
        var documents = limit == 0 ? [] : await find.ToListAsync(cancellationToken);
        return new ChatPage(
            counts is null ? 0 : includeRecords ? counts.MessageCount : counts.ConversationCount,
            counts?.InvalidLines ?? 0,
            documents.Select(d => ToMessage(d, includeRaw, _atRest)).ToList());
    }

    public async Task<IReadOnlyList<ChatMessage>> LatestAsync(string sessionId, string role, int limit, CancellationToken cancellationToken)
    {
        var documents = await _messages.Find(Filter.Eq(m => m.SessionId, sessionId) & Filter.Eq(m => m.Kind, nameof(MessageKind.Message)) & Filter.Eq(m => m.Role, role) & OwnFile)
            .SortByDescending(m => m.Timestamp).ThenByDescending(m => m.Sequence).ThenByDescending(m => m.Id).Limit(limit)
            .Project<ChatMessageDocument>(Builders<ChatMessageDocument>.Projection.Exclude(m => m.Raw)).ToListAsync(cancellationToken);
        documents.Reverse();
        return documents.Select(d => ToMessage(d, includeRaw: false, _atRest)).ToList();
    }

    public async Task<TranscriptSummarized?> SummarizeAsync(string sessionId, CancellationToken cancellationToken)
    {
        // Transcript documents only: a hook message the file never got says nothing about the file.
        var lines = await _messages.Find(Filter.Eq(m => m.SessionId, sessionId) & FromTranscript & OwnFile)
            .Project<ChatMessageDocument>(Builders<ChatMessageDocument>.Projection.Exclude(m => m.Raw)).SortBy(m => m.Sequence).ToListAsync(cancellationToken);
        if (lines.Count == 0)
            return null;
        lines = lines.Select(d => d with { Text = _atRest.OpenText(d.Text, Record.Text), Tools = _atRest.OpenText(d.Tools, Record.Tools) }).ToList();
        var conversation = lines.Where(d => d.Kind == nameof(MessageKind.Message)).ToList();
        return new TranscriptSummarized(sessionId, lines.Min(d => d.Timestamp), lines.Max(d => d.Timestamp),
            lines.LastOrDefault(d => d.RecordType == TranscriptRecordReader.Relocated && d.Text.Length > 0)?.Text // moved with /cd
                ?? lines.FirstOrDefault(d => d.ProjectDir is not null)?.ProjectDir,
            lines.LastOrDefault(d => d.Model is not null && d.Model != "<synthetic>")?.Model,
            conversation.Count(d => d.Role == "user"),
            lines.Sum(d => MessageColumns.Tools(d.Tools).Count(t => t.Kind == "use")),
            lines.Count,
            TranscriptTitle.Shown(
                lines.LastOrDefault(d => d.RecordType == TranscriptTitle.Custom && d.Text.Length > 0)?.Text,
                lines.LastOrDefault(d => d.RecordType == TranscriptTitle.Ai && d.Text.Length > 0)?.Text,
                lines.LastOrDefault(d => d.RecordType == TranscriptTitle.Summary && d.Text.Length > 0 && d.ParentUuid is { } leaf && lines.Any(l => l.Uuid == leaf))?.Text),
            lines.LastOrDefault(d => d.GitBranch is not null)?.GitBranch,
            conversation.FirstOrDefault(d => d.Role == "user" && d.Text.Length > 0)?.Text);
    }

    public async Task<bool> LinesPredateBranchesAsync(string sessionId, CancellationToken cancellationToken) =>
        await _sessions.Find(c => c.Id == sessionId).FirstOrDefaultAsync(cancellationToken) is { BranchesKept: false };

    /// <summary>The files held, without their digests: MongoDB keeps none (an import compares a file with the held one by reading it back).</summary>
    public async Task<IReadOnlyList<(string File, long Lines, long FirstOffset, UInt128? Digest, string? DigestAlgorithm)>> TranscriptFilesAsync(string sessionId, CancellationToken cancellationToken)
    {
        var lines = await _messages.Find(Filter.Eq(m => m.SessionId, sessionId) & FromTranscript)
            .Project<ChatMessageDocument>(Builders<ChatMessageDocument>.Projection.Exclude(m => m.Raw)).ToListAsync(cancellationToken);
        return lines.GroupBy(l => l.File ?? "", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (long)g.Count(), g.Min(l => l.Sequence), (UInt128?)null, (string?)null)).ToList();
    }

    public async Task<IReadOnlyList<string>> TranscriptSessionsAsync(string? after, int limit, CancellationToken cancellationToken)
    {
        var sessions = await (await _messages.DistinctAsync(m => m.SessionId, FromTranscript & Filter.Gt(m => m.SessionId, after ?? ""),
            cancellationToken: cancellationToken)).ToListAsync(cancellationToken);
        return [.. sessions.Order(StringComparer.Ordinal).Take(limit)];
    }

    /// <summary>A tool output file's document: one per session and name.</summary>
    private static string ToolResultId(string sessionId, string name) => sessionId + "/" + name;

    public async Task<bool> SaveToolResultAsync(ToolResultCaptured file, CancellationToken cancellationToken)
    {
        var id = ToolResultId(file.SessionId, file.Name);
        var held = await _toolResults.Find(new BsonDocument { ["_id"] = id, ["source_sha256"] = file.SourceSha256, ["length"] = file.Length })
            .AnyAsync(cancellationToken);
        if (held)
            return false;
        await _toolResults.ReplaceOneAsync(new BsonDocument("_id", id), new BsonDocument
        {
            ["_id"] = id,
            ["session_id"] = file.SessionId,
            ["name"] = file.Name,
            ["length"] = file.Length,
            ["source_sha256"] = file.SourceSha256,
            ["captured_at"] = file.CapturedAt.UtcDateTime,
            ["encoding"] = file.ContentEncoding,
            ["bytes"] = new BsonBinaryData(_atRest.Seal(file.Content, Record.ToolResult)),
        }, new ReplaceOptions { IsUpsert = true }, cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<ToolResultView>> ToolResultsAsync(string sessionId, CancellationToken cancellationToken)
    {
        var documents = await _toolResults.Find(new BsonDocument("session_id", sessionId))
            .Project(Builders<BsonDocument>.Projection.Exclude("bytes")).ToListAsync(cancellationToken);
        return [.. documents.Select(d => new ToolResultView(d["name"].AsString, d["length"].ToInt64(), d["source_sha256"].AsString,
                new DateTimeOffset(d["captured_at"].ToUniversalTime(), TimeSpan.Zero)))
            .OrderBy(f => f.Name, StringComparer.Ordinal)];
    }

    public async Task<(byte[] Content, string Encoding)?> ToolResultAsync(string sessionId, string name, CancellationToken cancellationToken)
    {
        var document = await _toolResults.Find(new BsonDocument("_id", ToolResultId(sessionId, name))).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : (_atRest.Open(document["bytes"].AsByteArray, Record.ToolResult), document["encoding"].AsString);
    }

    public Task<bool> HoldsLineAsync(string sessionId, string uuid, CancellationToken cancellationToken) =>
        _messages.Find(d => d.SessionId == sessionId && d.Uuid == uuid).AnyAsync(cancellationToken);

    public async Task<TranscriptBytes> TranscriptLinesAsync(string sessionId, string file, long afterOffset, int limit, long maxBytes,
        CancellationToken cancellationToken)
    {
        // A document seen in the transcript has its line's byte offset as its sequence (a hook message joined by its line took it over).
        var documents = await _messages.Find(Filter.Eq(m => m.SessionId, sessionId) & FromTranscript & InFile(file) & Filter.Gt(m => m.Sequence, afterOffset))
            .SortBy(m => m.Sequence).Limit(limit).ToListAsync(cancellationToken);
        var offsets = new List<long>();
        using var lines = new MemoryStream();
        foreach (var d in documents)
        {
            // Bounded by the lines' own bytes, as on SQLite (their line breaks not counted).
            if (offsets.Count > 0 && lines.Length - offsets.Count >= maxBytes)
                break;
            if (d.Raw is not null)
            {
                using var raw = SessionManagement.Contracts.Gateway.TranscriptContent.Open(_atRest.Open(d.Raw, Record.Raw), d.RawEncoding);
                lines.Write(raw.Bytes.Span);
            }
            lines.WriteByte((byte)'\n');
            offsets.Add(d.Sequence);
        }
        return new TranscriptBytes(offsets, SessionManagement.Contracts.Gateway.TranscriptContent.Open(lines.ToArray(), SessionManagement.Contracts.Gateway.TranscriptContent.Plain));
    }

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(MessageSearch search, CancellationToken cancellationToken)
    {
        // With encryption at rest on, messages are found by their words' tokens (kept in clear before, once sealed again).
        var words = _atRest.Seals ? search.Terms.SelectMany(AtRest.Words).Distinct(StringComparer.Ordinal).ToList() : [];
        var filter = words.Count > 0
            ? Filter.And(words.Select(word => Filter.AnyIn(d => d.SearchTokens, _atRest.QueryTokens(word))))
            : Filter.Text(string.Join(" ", search.Terms.Select(t => "\"" + t.Replace("\"", "") + "\"")));
        if (search.SessionId is not null)
            filter &= Filter.Eq(m => m.SessionId, search.SessionId);
        if (search.SessionIds is not null)
            filter &= Filter.In(m => m.SessionId, search.SessionIds);
        if (search.ProjectDir is not null)
            filter &= ProjectFilter.Mongo<ChatMessageDocument>(m => m.ProjectDir, search.ProjectDir);
        if (search.Role is not null)
            filter &= Filter.Eq(m => m.Role, search.Role);
        if (search.Since is { } since)
            filter &= Filter.Gte(m => m.Timestamp, since);
        if (search.Until is { } until)
            filter &= Filter.Lt(m => m.Timestamp, until);
        List<BsonDocument> found;
        if (words.Count > 0)
        {
            // Ranked here by how often the words come (the tokens repeat as the words do), among the latest matches.
            var wanted = words.SelectMany(_atRest.QueryTokens).ToHashSet(StringComparer.Ordinal);
            var sealedHits = (await _messages.Find(filter).Project<ChatMessageDocument>(Builders<ChatMessageDocument>.Projection.Exclude(m => m.Raw))
                    .SortByDescending(m => m.Timestamp).Limit(search.Limit * 10).ToListAsync(cancellationToken))
                .Select(d => (Document: d, Score: (double)d.SearchTokens!.Count(wanted.Contains)))
                .OrderByDescending(h => h.Score).ThenByDescending(h => h.Document.Timestamp).Take(search.Limit).ToList();
            return sealedHits.Select(h => Hit(h.Document.SessionId, h.Document.Key, h.Document.Role, h.Document.ProjectDir, h.Document.Timestamp, h.Score,
                Snippets.Around((_atRest.OpenText(h.Document.Text, Record.Text) + "\n" + _atRest.OpenText(h.Document.ToolText, Record.ToolText)).Trim('\n'),
                    search.Terms))).ToList();
        }
        try
        {
            found = await _messages.Find(filter)
                .Project(Builders<ChatMessageDocument>.Projection.Exclude(m => m.Raw).MetaTextScore("score"))
                .Sort(Builders<ChatMessageDocument>.Sort.MetaTextScore("score"))
                .Limit(search.Limit)
                .ToListAsync(cancellationToken);
        }
        catch (MongoCommandException error)
        {
            throw new SearchUnavailableException($"this MongoDB deployment cannot run a text search: {error.ErrorMessage}", error);
        }
        return found.Select(d => Hit(d["sessionId"].AsString, d["key"].AsString, NullableString(d, "role"), NullableString(d, "projectDir"),
            new DateTimeOffset(d["timestamp"].ToUniversalTime()), d["score"].ToDouble(),
            Snippets.Around((d["text"].AsString + "\n" + NullableString(d, "toolText")).Trim('\n'), search.Terms))).ToList();
    }

    private static SearchHit Hit(string sessionId, string key, string? role, string? projectDir, DateTimeOffset timestamp, double score,
        (string Text, IReadOnlyList<SnippetMark> Marks) snippet) =>
        new(sessionId, key, role, projectDir, timestamp, score, snippet.Text, snippet.Marks);

    public async Task<(long Trimmed, long Bytes)> CleanupAsync(int retention, long maxSessionBytes, CancellationToken cancellationToken)
    {
        long trimmed = 0, freed = 0;
        var sessions = await _sessions.Find(Builders<ChatSessionCounts>.Filter.Empty).ToListAsync(cancellationToken);
        foreach (var session in sessions)
        {
            var messages = await _messages.Find(d => d.SessionId == session.Id).SortBy(d => d.Timestamp).ThenBy(d => d.Sequence).ThenBy(d => d.Id)
                .ToListAsync(cancellationToken);
            long bytes = messages.Sum(m => (long)m.Raw.Length + m.Text.Length), count = messages.Count;
            var victims = new List<ChatMessageDocument>();
            foreach (var message in messages)
            {
                if (count <= retention && bytes <= maxSessionBytes)
                    break;
                victims.Add(message);
                (count, bytes) = (count - 1, bytes - message.Raw.Length - message.Text.Length);
            }
            if (victims.Count == 0)
                continue;
            await _messages.DeleteManyAsync(Filter.In(d => d.Id, victims.Select(v => v.Id)), cancellationToken);
            await IncrementAsync(session.Id, -victims.Count, -victims.Count(v => v.Kind == nameof(MessageKind.Message)), -victims.Count(v => v.Problem is not null), cancellationToken);
            trimmed += victims.Count;
            freed += victims.Sum(v => (long)v.Raw.Length + v.Text.Length);
        }
        return (trimmed, freed);
    }

    public async Task<long> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        var removed = await _messages.DeleteManyAsync(d => d.SessionId == sessionId, cancellationToken);
        await _sessions.DeleteOneAsync(c => c.Id == sessionId, cancellationToken);
        await _toolResults.DeleteManyAsync(new BsonDocument("session_id", sessionId), cancellationToken);
        return removed.DeletedCount;
    }

    /// <summary>The same as <see cref="DeleteSessionAsync"/>: MongoDB reuses the space of what it deleted.</summary>
    public Task<long> EraseSessionAsync(string sessionId, CancellationToken cancellationToken) => DeleteSessionAsync(sessionId, cancellationToken);

    /// <summary>Inserts the messages; returns those stored now (the others' keys were taken).</summary>
    private async Task<List<ChatMessage>> InsertNewAsync(List<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var refused = new HashSet<int>();
        if (messages.Count > 0)
        {
            try
            {
                await _messages.InsertManyAsync(messages.Select(ToDocument), new InsertManyOptions { IsOrdered = false }, cancellationToken);
            }
            catch (MongoBulkWriteException<ChatMessageDocument> error) when (error.WriteErrors.All(e => e.Code == DuplicateKey))
            {
                refused.UnionWith(error.WriteErrors.Select(e => e.Index));
            }
        }
        return messages.Where((_, i) => !refused.Contains(i)).ToList();
    }

    /// <summary>The byte offsets of the session's lines stored with this uuid.</summary>
    private Task<List<long>> OffsetsOfUuidAsync(ChatMessage m, CancellationToken cancellationToken) =>
        _messages.Find(Filter.Eq(d => d.SessionId, m.SessionId) & Filter.Eq(d => d.Uuid, m.Uuid) & InFile(m.File)).Project(d => d.Sequence).ToListAsync(cancellationToken);

    private async Task<JoinOutcome> TryJoinAsync(ChatMessage m, CancellationToken cancellationToken)
    {
        if (m.MatchHash is null)
            return JoinOutcome.None;
        var pairing = _atRest.PairingHashes(m.MatchHash);
        var waiting = Filter.Eq(d => d.SessionId, m.SessionId) & Filter.In(d => d.MatchHash, [pairing.Current, pairing.Previous])
            & Filter.Gte(d => d.Timestamp, m.Timestamp - MessageText.TwinWindow) & Filter.Lte(d => d.Timestamp, m.Timestamp + MessageText.TwinWindow);
        var oldestFirst = new FindOneAndUpdateOptions<ChatMessageDocument> { Sort = Builders<ChatMessageDocument>.Sort.Ascending(d => d.Timestamp).Ascending(d => d.Sequence) };
        if (m.Uuid is not null)
        {
            if (await OffsetsOfUuidAsync(m, cancellationToken) is { Count: > 0 } offsets)
                return offsets.Contains(m.Sequence) ? JoinOutcome.Duplicate : JoinOutcome.Repeated;
            var (raw, encoding) = CompressedText.Encode(m.Raw, _chat.Value.MessageCompression, _atRest, Record.Raw);
            var joined = await _messages.FindOneAndUpdateAsync(
                waiting & Filter.Eq(d => d.Uuid, null) & Filter.Ne(d => d.EventId, null),
                Builders<ChatMessageDocument>.Update.Set(d => d.Uuid, m.Uuid).Set(d => d.ParentUuid, m.ParentUuid).Set(d => d.RecordType, m.RecordType)
                    .Set(d => d.Timestamp, m.Timestamp).Set(d => d.Sequence, m.Sequence).Set(d => d.Tools, _atRest.SealText(MessageColumns.Tools(m.Tools), Record.Tools))
                    .Set(d => d.SearchTokens, Tokens(m.Text, MessageColumns.ToolText(m.Tools)))
                    .Set(d => d.Usage, MessageColumns.Usage(m.Usage)).Set(d => d.Model, m.Model).Set(d => d.Problem, m.Problem)
                    .Set(d => d.Raw, raw).Set(d => d.RawEncoding, encoding).Set(d => d.Sources, SeenBothWays).Set(d => d.File, m.File)
                    .Set(d => d.GitBranch, m.GitBranch),
                oldestFirst, cancellationToken);
            return joined is null ? JoinOutcome.None : JoinOutcome.Joined;
        }
        if (m.EventId is { } eventId)
        {
            if (await _messages.Find(d => d.EventId == eventId).AnyAsync(cancellationToken))
                return JoinOutcome.Duplicate;
            var joined = await _messages.FindOneAndUpdateAsync(
                waiting & Filter.Eq(d => d.EventId, null) & Filter.Ne(d => d.Uuid, null),
                Builders<ChatMessageDocument>.Update.Set(d => d.EventId, eventId).Set(d => d.Sources, SeenBothWays),
                oldestFirst, cancellationToken);
            return joined is null ? JoinOutcome.None : JoinOutcome.Joined;
        }
        return JoinOutcome.None;
    }

    private async Task<ChatSessionCounts> IncrementAsync(string sessionId, long added, long conversation, long invalid, CancellationToken cancellationToken) =>
        await _sessions.FindOneAndUpdateAsync(
            Builders<ChatSessionCounts>.Filter.Eq(c => c.Id, sessionId),
            Builders<ChatSessionCounts>.Update.Inc(c => c.MessageCount, added).Inc(c => c.ConversationCount, conversation).Inc(c => c.InvalidLines, invalid)
                .SetOnInsert(c => c.BranchesKept, true),
            new FindOneAndUpdateOptions<ChatSessionCounts> { IsUpsert = true, ReturnDocument = ReturnDocument.After },
            cancellationToken);

    private async Task<int> TrimAsync(string sessionId, long excess, CancellationToken cancellationToken)
    {
        var oldest = await _messages.Find(d => d.SessionId == sessionId)
            .SortBy(d => d.Timestamp).ThenBy(d => d.Sequence).ThenBy(d => d.Id).Limit((int)Math.Min(excess, int.MaxValue))
            .Project<ChatMessageDocument>(Builders<ChatMessageDocument>.Projection.Exclude(d => d.Raw))
            .ToListAsync(cancellationToken);
        var ids = oldest.Select(o => o.Id).ToList();
        var deleted = await _messages.DeleteManyAsync(Filter.In(d => d.Id, ids), cancellationToken);
        await IncrementAsync(sessionId, -deleted.DeletedCount, -oldest.Count(o => o.Kind == nameof(MessageKind.Message)),
            -oldest.Count(o => o.Problem is not null), cancellationToken);
        return (int)deleted.DeletedCount;
    }

    private ChatMessageDocument ToDocument(ChatMessage m)
    {
        var (raw, encoding) = CompressedText.Encode(m.Raw, _chat.Value.MessageCompression, _atRest, Record.Raw);
        var toolText = MessageColumns.ToolText(m.Tools);
        return new ChatMessageDocument(m.SessionId + "/" + m.Key, m.SessionId, m.Key, m.Kind.ToString(), m.RecordType, m.Role, m.Uuid, m.ParentUuid,
            m.EventId, m.Timestamp, m.Sequence, m.ProjectDir, _atRest.SealText(m.Text, Record.Text), _atRest.StoredPairingHash(m.MatchHash),
            _atRest.SealText(MessageColumns.Tools(m.Tools), Record.Tools), MessageColumns.Usage(m.Usage), m.Model, (int)m.Sources, m.Problem, raw, encoding,
            m.File, _atRest.SealText(toolText, Record.ToolText), m.Kind == MessageKind.Message ? Tokens(m.Text, toolText) : null, m.GitBranch);
    }

    /// <summary>A sealed message's words as keyed tokens, for search; null when not sealing (the text index then holds the words).</summary>
    private string[]? Tokens(string text, string? toolText) => Tokens(_atRest, text, toolText);

    private static string[]? Tokens(AtRest keys, string text, string? toolText) => keys.SearchTokens(text, toolText)?.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static ChatMessage ToMessage(ChatMessageDocument d, bool includeRaw, AtRest atRest) => new(
        d.SessionId, d.Key, Enum.Parse<MessageKind>(d.Kind), d.RecordType, d.Role, d.Uuid, d.ParentUuid, d.EventId, d.Timestamp, d.Sequence,
        d.ProjectDir, atRest.OpenText(d.Text, Record.Text), d.MatchHash, MessageColumns.Tools(atRest.OpenText(d.Tools, Record.Tools)),
        MessageColumns.Usage(d.Usage), d.Model, (MessageSources)d.Sources,
        d.Problem, includeRaw && d.Raw is not null ? CompressedText.Decode(d.Raw, d.RawEncoding, atRest, Record.Raw) : "") { File = d.File ?? "" };

    public string Name => "chat";

    /// <summary>Where the walk of tool output files starts, after every message: a cursor no message's id begins with.</summary>
    private const string ToolResultsCursor = "\u0001tool-results:";

    /// <summary>
    /// Seals again a chunk of messages (text, tool calls, raw line; search tokens made anew) in clear or under an older key, by id; then
    /// of tool output files.
    /// </summary>
    public async Task<(string? Next, int Resealed)> ResealAsync(AtRest keys, string? cursor, int max, CancellationToken cancellationToken)
    {
        if (cursor?.StartsWith(ToolResultsCursor, StringComparison.Ordinal) == true)
            return await ResealToolResultsAsync(keys, cursor[ToolResultsCursor.Length..], max, cancellationToken);
        var chunk = await _messages.Find(cursor is null ? Filter.Empty : Filter.Gt(d => d.Id, cursor)).SortBy(d => d.Id).Limit(max).ToListAsync(cancellationToken);
        if (chunk.Count == 0)
            return (ToolResultsCursor, 0);
        var resealed = 0;
        foreach (var d in chunk)
        {
            var isMessage = d.Kind == nameof(MessageKind.Message);
            if (!keys.IsStale(d.Text) && !keys.IsStale(d.ToolText) && !keys.IsStale(d.Tools) && !keys.IsStale(d.Raw) && (!isMessage || d.SearchTokens is not null))
                continue;
            var (text, toolText) = (keys.OpenText(d.Text, Record.Text), keys.OpenText(d.ToolText, Record.ToolText));
            await _messages.UpdateOneAsync(Filter.Eq(x => x.Id, d.Id), Builders<ChatMessageDocument>.Update
                .Set(x => x.Text, keys.SealText(text, Record.Text)).Set(x => x.ToolText, keys.SealText(toolText, Record.ToolText))
                .Set(x => x.Tools, keys.SealText(keys.OpenText(d.Tools, Record.Tools), Record.Tools))
                .Set(x => x.Raw, d.Raw is null ? null : keys.Seal(keys.Open(d.Raw, Record.Raw), Record.Raw))
                .Set(x => x.SearchTokens, isMessage ? Tokens(keys, text, toolText) : null),
                cancellationToken: cancellationToken);
            resealed++;
        }
        return (chunk[^1].Id, resealed);
    }

    private async Task<(string? Next, int Resealed)> ResealToolResultsAsync(AtRest keys, string after, int max, CancellationToken cancellationToken)
    {
        var filter = after.Length == 0 ? Builders<BsonDocument>.Filter.Empty : Builders<BsonDocument>.Filter.Gt("_id", after);
        var chunk = await _toolResults.Find(filter).Sort(new BsonDocument("_id", 1)).Limit(Math.Max(1, max / 50)).ToListAsync(cancellationToken);
        if (chunk.Count == 0)
            return (null, 0);
        var resealed = 0;
        foreach (var document in chunk.Where(d => keys.IsStale(d["bytes"].AsByteArray)))
        {
            await _toolResults.UpdateOneAsync(new BsonDocument("_id", document["_id"]), Builders<BsonDocument>.Update.Set("bytes",
                new BsonBinaryData(keys.Seal(keys.Open(document["bytes"].AsByteArray, Record.ToolResult), Record.ToolResult))),
                cancellationToken: cancellationToken);
            resealed++;
        }
        return (ToolResultsCursor + chunk[^1]["_id"].AsString, resealed);
    }

    private static string? NullableString(BsonDocument document, string name) =>
        document.TryGetValue(name, out var value) && value.IsString ? value.AsString : null;

    /// <summary>What became of a message before any insert: <see cref="Repeated"/>, another line of the file with a uuid stored already.</summary>
    private enum JoinOutcome { None, Duplicate, Joined, Repeated }
}
