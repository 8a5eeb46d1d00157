using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using SessionManagement.Contracts.Status;
using SessionManagement.Status.Tracking;

namespace SessionManagement.Status.Storage;

/// <summary>
/// Plain BSON documents: a status is kept as its JSON text; counters and roll-ups are keyed by their dimensions in
/// <c>_id</c>, so adding is an upsert with <c>$inc</c> and rolling up again replaces the same documents. Documents written
/// before tokens were counted per model have no <c>model</c>: they read as the empty model.
/// </summary>
internal sealed class MongoStatusStore(IMongoDatabase database, ILogger<MongoStatusStore> logger) : IStatusStore
{
    public MongoStatusStore(IMongoDatabase database) : this(database, NullLogger<MongoStatusStore>.Instance)
    {
    }

    private readonly IMongoCollection<BsonDocument> _sessions = database.GetCollection<BsonDocument>(StatusMongoCollections.Sessions);
    private readonly IMongoCollection<BsonDocument> _counters = database.GetCollection<BsonDocument>(StatusMongoCollections.Counters);
    private readonly IMongoCollection<BsonDocument> _rollups = database.GetCollection<BsonDocument>(StatusMongoCollections.Rollups);
    private readonly IMongoCollection<BsonDocument> _counted = database.GetCollection<BsonDocument>(StatusMongoCollections.CountedHooks);
    private readonly IMongoCollection<BsonDocument> _backupRuns = database.GetCollection<BsonDocument>(StatusMongoCollections.BackupRuns);

    public Task ForgetAsync(string sessionId, CancellationToken cancellationToken) =>
        _sessions.DeleteOneAsync(new BsonDocument("_id", sessionId), cancellationToken);

    public async Task<IReadOnlyList<BackupRunView>> BackupRunsAsync(CancellationToken cancellationToken) =>
        (await _backupRuns.Find(FilterDefinition<BsonDocument>.Empty).Sort(Builders<BsonDocument>.Sort.Ascending("_id")).ToListAsync(cancellationToken))
            .Select(d => StatusJson.ReadRun(d["document"].AsString)).ToList();

    public Task SaveBackupRunAsync(BackupRunView run, CancellationToken cancellationToken) =>
        _backupRuns.ReplaceOneAsync(new BsonDocument("_id", run.Kind), new BsonDocument { { "_id", run.Kind }, { "document", StatusJson.WriteRun(run) } },
            new ReplaceOptions { IsUpsert = true }, cancellationToken);

    public async Task<LiveStatus?> GetAsync(string sessionId, CancellationToken cancellationToken)
    {
        var document = await _sessions.Find(new BsonDocument("_id", sessionId)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : StatusJson.Read(document["document"].AsString);
    }

    public async Task<IReadOnlySet<Guid>> CountedAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
    {
        if (eventIds.Count == 0)
            return new HashSet<Guid>();
        var found = await _counted.Find(Builders<BsonDocument>.Filter.In("_id", eventIds.Select(CountedHooks.Key))).ToListAsync(cancellationToken);
        return found.Select(d => Guid.ParseExact(d["_id"].AsString, "N")).ToHashSet();
    }

    public Task ForgetCountedAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        _counted.DeleteManyAsync(Builders<BsonDocument>.Filter.Lt("_id", CountedHooks.Key(CountedHooks.Before(before))), cancellationToken);

    public async Task SaveAsync(IReadOnlyCollection<LiveStatus> statuses, IReadOnlyCollection<Counter> counters, DateTimeOffset now, CancellationToken cancellationToken,
        IReadOnlyCollection<Guid>? counted = null)
    {
        if (statuses.Count > 0)
            await _sessions.BulkWriteAsync(statuses.Select(status => new ReplaceOneModel<BsonDocument>(new BsonDocument("_id", status.SessionId),
                new BsonDocument { { "_id", status.SessionId }, { "document", StatusJson.Write(status) }, { "lastActivityAt", status.LastActivityAt.UtcDateTime } })
            { IsUpsert = true }), new BulkWriteOptions { IsOrdered = false }, cancellationToken);
        if (counters.Count > 0)
            await _counters.BulkWriteAsync(counters.Select(c => new UpdateOneModel<BsonDocument>(
                new BsonDocument("_id", $"{c.Minute.UtcTicks}|{c.Project}|{c.User}|{c.Model}|{c.Metric}"),
                new BsonDocument
                {
                    { "$inc", new BsonDocument("value", c.Value) },
                    {
                        "$set", new BsonDocument
                        {
                            { "minute", c.Minute.UtcDateTime }, { "project", c.Project }, { "user", c.User }, { "model", c.Model }, { "metric", c.Metric },
                        }
                    },
                })
            { IsUpsert = true }), new BulkWriteOptions { IsOrdered = false }, cancellationToken);
        // After the counts: a stop between the two may count a hook again when it is handed over again, never leave one uncounted.
        if (counted is { Count: > 0 })
            await _counted.BulkWriteAsync(counted.Select(id => new ReplaceOneModel<BsonDocument>(new BsonDocument("_id", CountedHooks.Key(id)),
                new BsonDocument("_id", CountedHooks.Key(id))) { IsUpsert = true }), new BulkWriteOptions { IsOrdered = false }, cancellationToken);
        await TotalAgainAsync(LatePeriod.Of(counters, now), cancellationToken);
    }

    /// <summary>
    /// The writes above and a roll-up are not one transaction here: each late period is totalled again from its minutes, and one that
    /// fails keeps the counts stored, to be totalled with the next counts that reach it (failing the save would count them twice).
    /// </summary>
    private async Task TotalAgainAsync(IReadOnlyList<LatePeriod> late, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var period in late)
                await RollUpAsync(period.Granularity, period.Start, period.End, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            logger.LogWarning("Totalling again {Periods} hours and days that got late counts failed ({Problem}); they are totalled with the next counts that reach them",
                late.Count, error.Message);
        }
    }

    public async Task<int> RollUpAsync(string granularity, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var counters = await _counters.Find(Builders<BsonDocument>.Filter.Gte("minute", start.UtcDateTime) & Builders<BsonDocument>.Filter.Lt("minute", end.UtcDateTime))
            .ToListAsync(cancellationToken);
        var totals = counters.GroupBy(c => (Project: c["project"].AsString, User: c["user"].AsString, Model: ModelOf(c), Metric: c["metric"].AsString)).ToList();
        var ids = new BsonArray();
        foreach (var total in totals)
        {
            var id = $"{granularity}|{start.UtcTicks}|{total.Key.Project}|{total.Key.User}|{total.Key.Model}|{total.Key.Metric}";
            ids.Add(id);
            await _rollups.ReplaceOneAsync(new BsonDocument("_id", id), new BsonDocument
            {
                { "_id", id }, { "granularity", granularity }, { "periodStart", start.UtcDateTime }, { "project", total.Key.Project },
                { "user", total.Key.User }, { "model", total.Key.Model }, { "metric", total.Key.Metric }, { "value", total.Sum(c => c["value"].ToDouble()) },
            }, new ReplaceOptions { IsUpsert = true }, cancellationToken);
        }
        // Roll-ups of the period this one does not write again (kept under an older key) would count twice.
        await _rollups.DeleteManyAsync(Builders<BsonDocument>.Filter.Eq("granularity", granularity) & Builders<BsonDocument>.Filter.Eq("periodStart", start.UtcDateTime)
            & Builders<BsonDocument>.Filter.Nin("_id", ids), cancellationToken);
        return totals.Count;
    }

    private static string ModelOf(BsonDocument document) => document.TryGetValue("model", out var model) && model.IsString ? model.AsString : "";

    public async Task<IReadOnlyList<RolledUp>> ReadAsync(string granularity, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (granularity == "minute")
        {
            var counters = await _counters.Find(Builders<BsonDocument>.Filter.Gte("minute", from.UtcDateTime) & Builders<BsonDocument>.Filter.Lt("minute", to.UtcDateTime))
                .ToListAsync(cancellationToken);
            return counters.Select(c => new RolledUp("minute", new DateTimeOffset(c["minute"].ToUniversalTime()), c["project"].AsString, c["user"].AsString,
                ModelOf(c), c["metric"].AsString, c["value"].ToDouble())).ToList();
        }
        var rollups = await _rollups.Find(Builders<BsonDocument>.Filter.Eq("granularity", granularity)
                & Builders<BsonDocument>.Filter.Gte("periodStart", from.UtcDateTime) & Builders<BsonDocument>.Filter.Lt("periodStart", to.UtcDateTime))
            .ToListAsync(cancellationToken);
        return rollups.Select(r => new RolledUp(granularity, new DateTimeOffset(r["periodStart"].ToUniversalTime()), r["project"].AsString, r["user"].AsString,
            ModelOf(r), r["metric"].AsString, r["value"].ToDouble())).ToList();
    }
}
