using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using SessionManagement.Hosting.Storage.Mongo;

namespace SessionManagement.Context.Storage;

internal sealed class ContextMongoCollections : IMongoIndexDefinition
{
    public const string Items = "context_items";

    private static readonly Lazy<bool> Maps = new(() =>
    {
        MongoConventions.Register();
        BsonClassMap.TryRegisterClassMap<ContextItemDocument>(map =>
        {
            map.AutoMap();
            map.MapIdMember(i => i.Id);
        });
        return true;
    });

    public static void RegisterMaps() => _ = Maps.Value;

    public async Task CreateAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        RegisterMaps();
        var keys = Builders<ContextItemDocument>.IndexKeys;
        await database.GetCollection<ContextItemDocument>(Items).Indexes.CreateManyAsync(
        [
            new CreateIndexModel<ContextItemDocument>(keys.Ascending(i => i.Scope).Ascending(i => i.SessionId), new CreateIndexOptions { Name = "scope_session" }),
            new CreateIndexModel<ContextItemDocument>(keys.Ascending(i => i.Scope).Ascending(i => i.ProjectDir), new CreateIndexOptions { Name = "scope_project" }),
            new CreateIndexModel<ContextItemDocument>(keys.Ascending(i => i.Scope).Ascending(i => i.User), new CreateIndexOptions { Name = "scope_user" }),
            new CreateIndexModel<ContextItemDocument>(keys.Ascending(i => i.Scope).Ascending(i => i.Team), new CreateIndexOptions { Name = "scope_team" }),
        ], cancellationToken);
    }
}
