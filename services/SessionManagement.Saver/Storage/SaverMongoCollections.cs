using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using SessionManagement.Hosting.Storage.Mongo;
using SessionManagement.Saver.Sessions;

namespace SessionManagement.Saver.Storage;

internal sealed class SaverMongoCollections : IMongoIndexDefinition
{
    public const string Events = "saver_events";
    public const string Sessions = "saver_sessions";
    public const string Snapshots = "saver_snapshots";
    public const string Backups = "saver_backups";
    public const string Archive = "saver_archive";
    public const string TranscriptModels = "saver_transcript_models";
    public const string TranscriptTitles = "saver_transcript_titles";
    public const string ProjectChoices = "saver_project_choices";
    public const string Audit = "saver_audit";
    public const string ImportOwners = "saver_import_owners";
    public const string Imported = "saver_imported";

    private static readonly Lazy<bool> Maps = new(() =>
    {
        MongoConventions.Register();
        BsonClassMap.TryRegisterClassMap<SaverEventDocument>(map =>
        {
            map.AutoMap();
            map.MapIdMember(e => e.Id);
            map.MapMember(e => e.GitBranch).SetDefaultValue((string?)null); // events stored before schema 3 have none
        });
        BsonClassMap.TryRegisterClassMap<BackupDocument>(map =>
        {
            map.AutoMap();
            map.MapIdMember(b => b.Id);
        });
        BsonClassMap.TryRegisterClassMap<SnapshotDocument>(map =>
        {
            map.AutoMap();
            map.MapIdMember(s => s.Id);
        });
        BsonClassMap.TryRegisterClassMap<SessionState>(map =>
        {
            map.AutoMap();
            map.MapIdMember(s => s.SessionId);
            // Schema 1 documents have neither: they read as 0 until migrated.
            map.MapMember(s => s.Subagents).SetDefaultValue(0L);
            map.MapMember(s => s.Notifications).SetDefaultValue(0L);
            map.MapMember(s => s.GitBranch).SetDefaultValue((string?)null);
            map.MapMember(s => s.Title).SetDefaultValue((string?)null);
        });
        return true;
    });

    public static void RegisterMaps() => _ = Maps.Value;

    public async Task CreateAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        RegisterMaps();
        var events = Builders<SaverEventDocument>.IndexKeys;
        await database.GetCollection<SaverEventDocument>(Events).Indexes.CreateManyAsync(
        [
            new CreateIndexModel<SaverEventDocument>(events.Ascending(e => e.SessionId).Ascending(e => e.ReceivedAt).Ascending(e => e.CaptureSequence),
                new CreateIndexOptions { Name = "session_order" }),
            new CreateIndexModel<SaverEventDocument>(events.Ascending(e => e.SessionId).Ascending(e => e.HookEventName).Ascending(e => e.ReceivedAt).Ascending(e => e.CaptureSequence),
                new CreateIndexOptions { Name = "session_event" }),
            new CreateIndexModel<SaverEventDocument>(events.Ascending(e => e.User).Ascending(e => e.SessionId), new CreateIndexOptions { Name = "user_session" }),
        ], cancellationToken);
        await database.GetCollection<BackupDocument>(Backups).Indexes.CreateOneAsync(
            new CreateIndexModel<BackupDocument>(Builders<BackupDocument>.IndexKeys.Ascending(b => b.SessionId).Descending(b => b.Version),
                new CreateIndexOptions { Name = "session_version" }), cancellationToken: cancellationToken);
        await database.GetCollection<MongoDB.Bson.BsonDocument>(ImportOwners).Indexes.CreateOneAsync(
            new CreateIndexModel<MongoDB.Bson.BsonDocument>(Builders<MongoDB.Bson.BsonDocument>.IndexKeys.Ascending("user"),
                new CreateIndexOptions { Name = "user" }), cancellationToken: cancellationToken);
        await database.GetCollection<MongoDB.Bson.BsonDocument>(Audit).Indexes.CreateOneAsync(
            new CreateIndexModel<MongoDB.Bson.BsonDocument>(Builders<MongoDB.Bson.BsonDocument>.IndexKeys.Descending("at"),
                new CreateIndexOptions { Name = "at" }), cancellationToken: cancellationToken);
        var sessions = Builders<SessionState>.IndexKeys;
        // The list's filters and orders (the web view's), each an index.
        await database.GetCollection<SessionState>(Sessions).Indexes.CreateManyAsync(
        [
            new CreateIndexModel<SessionState>(sessions.Ascending(s => s.ProjectDir).Descending(s => s.LastEventAt), new CreateIndexOptions { Name = "project_lastEvent" }),
            new CreateIndexModel<SessionState>(sessions.Descending(s => s.LastEventAt).Ascending(s => s.SessionId), new CreateIndexOptions { Name = "lastEvent" }),
            new CreateIndexModel<SessionState>(sessions.Ascending(s => s.StartedAt).Ascending(s => s.SessionId), new CreateIndexOptions { Name = "started" }),
            new CreateIndexModel<SessionState>(sessions.Descending(s => s.Prompts).Ascending(s => s.SessionId), new CreateIndexOptions { Name = "prompts" }),
            new CreateIndexModel<SessionState>(sessions.Descending(s => s.ToolCalls).Ascending(s => s.SessionId), new CreateIndexOptions { Name = "toolCalls" }),
            new CreateIndexModel<SessionState>(sessions.Ascending(s => s.GitBranch).Descending(s => s.LastEventAt), new CreateIndexOptions { Name = "branch_lastEvent" }),
            new CreateIndexModel<SessionState>(sessions.Ascending(s => s.ParentSessionId), new CreateIndexOptions { Name = "parent" }),
            new CreateIndexModel<SessionState>(sessions.Ascending(s => s.Status).Descending(s => s.LastEventAt), new CreateIndexOptions { Name = "status_lastEvent" }),
            new CreateIndexModel<SessionState>(sessions.Ascending(s => s.Status).Ascending(s => s.StartedAt), new CreateIndexOptions { Name = "status_started" }),
        ], cancellationToken);
    }
}
