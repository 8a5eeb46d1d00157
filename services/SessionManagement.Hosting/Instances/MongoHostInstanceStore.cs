using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using SessionManagement.Hosting.Storage.Mongo;

namespace SessionManagement.Hosting.Instances;

internal sealed class MongoHostInstanceStore : IHostInstanceStore
{
    public const string CollectionName = "host_instances";

    private readonly IMongoDatabase _database;
    private readonly IMongoCollection<HostInstance> _instances;

    static MongoHostInstanceStore()
    {
        MongoConventions.Register();
        BsonClassMap.TryRegisterClassMap<HostInstance>(map =>
        {
            map.AutoMap();
            map.MapIdMember(instance => instance.InstanceId);
        });
    }

    public MongoHostInstanceStore(IMongoDatabase database)
    {
        _database = database;
        _instances = database.GetCollection<HostInstance>(CollectionName);
    }

    public Task RecordStartAsync(HostInstance instance, CancellationToken cancellationToken) =>
        _instances.ReplaceOneAsync(i => i.InstanceId == instance.InstanceId, instance,
            new ReplaceOptions { IsUpsert = true }, cancellationToken);

    public async Task<bool> RecordHeartbeatAsync(Guid instanceId, DateTimeOffset seenAt, CancellationToken cancellationToken)
    {
        var result = await _instances.UpdateOneAsync(i => i.InstanceId == instanceId,
            Builders<HostInstance>.Update.Max(i => i.LastSeenAt, seenAt), cancellationToken: cancellationToken);
        return result.MatchedCount == 1;
    }

    public Task RecordStopAsync(Guid instanceId, DateTimeOffset stoppedAt, CancellationToken cancellationToken) =>
        _instances.UpdateOneAsync(i => i.InstanceId == instanceId,
            Builders<HostInstance>.Update.Set(i => i.StoppedAt, stoppedAt).Max(i => i.LastSeenAt, stoppedAt),
            cancellationToken: cancellationToken);

    public async Task<HostInstance?> GetAsync(Guid instanceId, CancellationToken cancellationToken) =>
        await _instances.Find(i => i.InstanceId == instanceId).FirstOrDefaultAsync(cancellationToken);

    public async Task<IReadOnlyList<HostInstance>> ListRecentAsync(int limit, CancellationToken cancellationToken) =>
        await _instances.Find(FilterDefinition<HostInstance>.Empty)
            .SortByDescending(i => i.StartedAt).Limit(limit).ToListAsync(cancellationToken);

    public Task PingAsync(CancellationToken cancellationToken) =>
        _database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: cancellationToken);
}
