using Microsoft.Extensions.Logging;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using SessionManagement.Hosting.Storage.Mongo;

namespace SessionManagement.Chat.Storage;

internal sealed class ChatMongoCollections(ILogger<ChatMongoCollections> logger) : IMongoIndexDefinition
{
    public const string Messages = "chat_messages";
    public const string Sessions = "chat_sessions";

    /// <summary>The API responses whose usage was counted, by <c>message.id:requestId</c> as <c>_id</c>.</summary>
    public const string Responses = "chat_responses";

    /// <summary>The files of sessions' <c>tool-results</c> folders, one document each, by <c>&lt;session&gt;/&lt;name&gt;</c> as <c>_id</c>.</summary>
    public const string ToolResults = "chat_tool_results";
    /// <summary>The text index, over each message's text and what its tool calls add (<see cref="ChatMessageDocument.ToolText"/>).</summary>
    public const string TextIndex = "text_and_tools";

    /// <summary>The text index before tool calls were searchable (over the text alone): dropped, as a collection has one text index.</summary>
    private const string OldTextIndex = "text";

    private static readonly Lazy<bool> Maps = new(() =>
    {
        MongoConventions.Register();
        BsonClassMap.TryRegisterClassMap<ChatMessageDocument>(map =>
        {
            map.AutoMap();
            map.MapIdMember(m => m.Id);
            map.MapMember(m => m.File).SetDefaultValue("");
        });
        BsonClassMap.TryRegisterClassMap<ChatSessionCounts>(map =>
        {
            map.AutoMap();
            map.MapIdMember(c => c.Id);
            map.MapMember(c => c.BranchesKept).SetDefaultValue(false);
        });
        return true;
    });

    public static void RegisterMaps() => _ = Maps.Value;

    public async Task CreateAsync(IMongoDatabase database, CancellationToken cancellationToken)
    {
        RegisterMaps();
        var keys = Builders<ChatMessageDocument>.IndexKeys;
        var messages = database.GetCollection<ChatMessageDocument>(Messages);
        await messages.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<ChatMessageDocument>(keys.Ascending(m => m.SessionId).Ascending(m => m.Timestamp).Ascending(m => m.Sequence),
                new CreateIndexOptions { Name = "session_order" }),
            new CreateIndexModel<ChatMessageDocument>(keys.Ascending(m => m.SessionId).Ascending(m => m.Uuid), new CreateIndexOptions { Name = "session_uuid" }),
            new CreateIndexModel<ChatMessageDocument>(keys.Ascending(m => m.EventId), new CreateIndexOptions { Name = "event" }),
            new CreateIndexModel<ChatMessageDocument>(keys.Ascending(m => m.SessionId).Ascending(m => m.File).Ascending(m => m.Sequence),
                new CreateIndexOptions { Name = "session_file_order_v2" }),
            new CreateIndexModel<ChatMessageDocument>(keys.Ascending(m => m.SessionId).Ascending(m => m.MatchHash), new CreateIndexOptions { Name = "session_match" }),
            new CreateIndexModel<ChatMessageDocument>(keys.Ascending(m => m.SearchTokens), new CreateIndexOptions { Name = "search_tokens", Sparse = true }),
        ], cancellationToken);
        await database.GetCollection<MongoDB.Bson.BsonDocument>(ToolResults).Indexes.CreateOneAsync(new CreateIndexModel<MongoDB.Bson.BsonDocument>(
            Builders<MongoDB.Bson.BsonDocument>.IndexKeys.Ascending("session_id"), new CreateIndexOptions { Name = "session" }), cancellationToken: cancellationToken);
        try
        {
            var existing = await (await messages.Indexes.ListAsync(cancellationToken)).ToListAsync(cancellationToken);
            if (existing.Any(index => index.TryGetValue("name", out var name) && name == OldTextIndex))
                await messages.Indexes.DropOneAsync(OldTextIndex, cancellationToken);
            await messages.Indexes.CreateOneAsync(new CreateIndexModel<ChatMessageDocument>(keys.Text(m => m.Text).Text(m => m.ToolText),
                new CreateIndexOptions { Name = TextIndex, DefaultLanguage = "english" }), cancellationToken: cancellationToken);
        }
        catch (MongoException error)
        {
            // Only search needs it, and search says so when asked; history and export work without it.
            logger.LogWarning("This MongoDB deployment has no text index for chat search: {Problem}", error.Message);
        }
    }
}
