using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SessionManagement.Chat.Consumers;
using SessionManagement.Chat.Storage;
using SessionManagement.Hosting.Modules;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage.Mongo;

namespace SessionManagement.Chat;

public static class ChatModule
{
    public const string Name = "chat";

    /// <summary>Chat history from prompts, replies and transcript lines; answers history and search requests; announces MessagesAppended.</summary>
    public static SessionManagementBuilder AddChat(this SessionManagementBuilder builder)
    {
        if (builder.Settings.Storage.Provider == StorageProvider.Sqlite)
        {
            // One store instance for the consumers and the indexer that follows its writes.
            builder.Services.TryAddSingleton<SqliteChatStore>();
            builder.Services.TryAddSingleton<IChatStore>(provider => provider.GetRequiredService<SqliteChatStore>());
            builder.Services.AddHostedService<SqliteSearchIndexer>();
        }
        builder.AddStore<IChatStore, SqliteChatStore, MongoChatStore>();
        foreach (var migration in ChatSqliteSchema.All)
            builder.Services.AddSingleton(migration);
        builder.Services.AddSingleton<IMongoIndexDefinition, ChatMongoCollections>();
        builder.AddBusRegistrations(bus =>
        {
            bus.AddConsumer<ChatIngestConsumer, ChatIngestConsumerDefinition>();
            bus.AddConsumer<ChatQueriesConsumer>();
            bus.AddConsumer<ChatCleanupConsumer>();
        });
        return builder;
    }
}
