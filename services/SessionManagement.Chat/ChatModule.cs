using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SessionManagement.Chat.Backups;
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
        builder.AddStore<IChatStore, SqliteChatStore, MongoChatStore>().AddAtRestRecords<SqliteChatStore, MongoChatStore>();
        if (builder.Settings.Storage.Provider == StorageProvider.Sqlite)
            builder.Services.AddHostedService<SqliteSearchIndexer>(); // follows the writes of the same store instance
        foreach (var migration in ChatSqliteSchema.All)
            builder.Services.AddSingleton(migration);
        builder.Services.AddSingleton<IMongoIndexDefinition, ChatMongoCollections>();
        builder.Services.AddSingleton<AppendOrder>();
        builder.Services.AddSingleton<TranscriptBackups>();
        builder.Services.AddSingleton<SessionManagement.Hosting.Security.IAtRestRecords>(provider => provider.GetRequiredService<TranscriptBackups>());
        builder.Services.AddHostedService<TranscriptBackupRestoreAtStart>();
        builder.StoresHookEvents<ChatIngestConsumer>(conversationOnly: true);
        builder.AddBusRegistrations(bus =>
        {
            bus.AddConsumer<ChatIngestConsumer, ChatIngestConsumerDefinition>();
            bus.AddConsumer<ChatQueriesConsumer>();
            bus.AddConsumer<ChatToolResultsConsumer>();
            bus.AddConsumer<ChatCleanupConsumer>();
            bus.AddConsumer<ChatBackupsConsumer>();
        });
        return builder;
    }
}
