using MongoDB.Driver;
using SessionManagement.Hosting.Storage.Mongo;

namespace SessionManagement.Hosting.Instances;

internal sealed class HostInstanceIndexes : IMongoIndexDefinition
{
    public Task CreateAsync(IMongoDatabase database, CancellationToken cancellationToken) =>
        database.GetCollection<HostInstance>(MongoHostInstanceStore.CollectionName).Indexes.CreateOneAsync(
            new CreateIndexModel<HostInstance>(
                Builders<HostInstance>.IndexKeys.Descending(i => i.StartedAt),
                new CreateIndexOptions { Name = "startedAt_desc" }),
            cancellationToken: cancellationToken);
}
