using MongoDB.Driver;
using SessionManagement.Gateway.Registry;

namespace SessionManagement.Gateway.Storage;

internal sealed class MongoHookRegistryStore : IHookRegistryStore
{
    private readonly IMongoCollection<HookRegistryEntry> _entries;

    public MongoHookRegistryStore(IMongoDatabase database)
    {
        GatewayMongoCollections.RegisterMaps();
        _entries = database.GetCollection<HookRegistryEntry>(GatewayMongoCollections.HookRegistry);
    }

    public async Task RecordAsync(IReadOnlyList<HookRegistryEntry> deltas, CancellationToken cancellationToken)
    {
        if (deltas.Count == 0)
            return;
        var filter = Builders<HookRegistryEntry>.Filter;
        var update = Builders<HookRegistryEntry>.Update;
        var writes = deltas.Select(delta => new UpdateOneModel<HookRegistryEntry>(
            filter.Eq(e => e.Host, delta.Host) & filter.Eq(e => e.ProjectDir, delta.ProjectDir) & filter.Eq(e => e.HookEventName, delta.HookEventName),
            update.Inc(e => e.Count, delta.Count)
                .Min(e => e.FirstSeen, delta.FirstSeen)
                .Max(e => e.LastSeen, delta.LastSeen)
                .Set(e => e.BridgeVersion, delta.BridgeVersion))
        { IsUpsert = true });
        await _entries.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = true }, cancellationToken);
    }

    public async Task<IReadOnlyList<HookRegistryEntry>> ListAsync(string? host, string? projectDir, CancellationToken cancellationToken)
    {
        var filter = Builders<HookRegistryEntry>.Filter.Empty;
        if (host is not null)
            filter &= Builders<HookRegistryEntry>.Filter.Eq(e => e.Host, host);
        if (projectDir is not null)
            filter &= Builders<HookRegistryEntry>.Filter.Eq(e => e.ProjectDir, projectDir);
        return await _entries.Find(filter)
            .SortBy(e => e.Host).ThenBy(e => e.ProjectDir).ThenBy(e => e.HookEventName)
            .ToListAsync(cancellationToken);
    }
}
