using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using SessionManagement.Gateway.Journal;
using SessionManagement.Gateway.Registry;
using SessionManagement.Gateway.Transcripts;
using SessionManagement.Hosting.Storage.Mongo;

namespace SessionManagement.Gateway.Storage;

/// <summary>The gateway's collections, their class maps and their indexes.</summary>
internal sealed class GatewayMongoCollections : IMongoIndexDefinition
{
    public const string DeliveryJournal = "gateway_delivery_journal";
    public const string HookRegistry = "gateway_hook_registry";
    public const string TranscriptCursors = "gateway_transcript_cursors";
    public const string DeletedSessions = "gateway_deleted_sessions";

    private static readonly Lazy<bool> Maps = new(() =>
    {
        MongoConventions.Register();
        BsonClassMap.TryRegisterClassMap<DeliveryRecord>(map =>
        {
            map.AutoMap();
            map.MapIdMember(record => record.EventId);
        });
        BsonClassMap.TryRegisterClassMap<HookRegistryEntry>(map => map.AutoMap());
        BsonClassMap.TryRegisterClassMap<TranscriptCursor>(map => map.AutoMap());
        BsonClassMap.TryRegisterClassMap<DeletedSession>(map =>
        {
            map.AutoMap();
            map.MapIdMember(deleted => deleted.SessionId);
        });
        return true;
    });

    public static void RegisterMaps() => _ = Maps.Value;

    public async Task CreateAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        RegisterMaps();
        await database.GetCollection<DeliveryRecord>(DeliveryJournal).Indexes.CreateManyAsync(
        [
            new CreateIndexModel<DeliveryRecord>(Builders<DeliveryRecord>.IndexKeys.Descending(r => r.ReceivedAt),
                new CreateIndexOptions { Name = "receivedAt_desc" }),
            new CreateIndexModel<DeliveryRecord>(Builders<DeliveryRecord>.IndexKeys.Ascending(r => r.Status).Descending(r => r.ReceivedAt),
                new CreateIndexOptions { Name = "status_receivedAt" }),
        ], cancellationToken);
        await database.GetCollection<HookRegistryEntry>(HookRegistry).Indexes.CreateOneAsync(
            new CreateIndexModel<HookRegistryEntry>(
                Builders<HookRegistryEntry>.IndexKeys.Ascending(e => e.Host).Ascending(e => e.ProjectDir).Ascending(e => e.HookEventName),
                new CreateIndexOptions { Name = "host_project_event", Unique = true }),
            cancellationToken: cancellationToken);
        await database.GetCollection<TranscriptCursor>(TranscriptCursors).Indexes.CreateOneAsync(
            new CreateIndexModel<TranscriptCursor>(
                Builders<TranscriptCursor>.IndexKeys.Ascending(c => c.SessionId).Ascending(c => c.TranscriptPath),
                new CreateIndexOptions { Name = "session_path", Unique = true }),
            cancellationToken: cancellationToken);
    }
}
