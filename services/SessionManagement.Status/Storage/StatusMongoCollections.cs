using MongoDB.Bson;
using MongoDB.Driver;
using SessionManagement.Hosting.Storage.Mongo;

namespace SessionManagement.Status.Storage;

internal sealed class StatusMongoCollections : IMongoIndexDefinition
{
    public const string Sessions = "status_sessions";
    public const string Counters = "status_counters";
    public const string Rollups = "status_rollups";
    public const string CountedHooks = "status_counted_hooks";
    public const string BackupRuns = "status_backup_runs";

    public async Task CreateAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        await database.GetCollection<BsonDocument>(Counters).Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("minute"), new CreateIndexOptions { Name = "minute" }), cancellationToken: cancellationToken);
        await database.GetCollection<BsonDocument>(Rollups).Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("granularity").Ascending("periodStart"), new CreateIndexOptions { Name = "granularity_period" }),
            cancellationToken: cancellationToken);
    }
}
