using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SessionManagement.Context.Backups;
using SessionManagement.Context.Consumers;
using SessionManagement.Context.Items;
using SessionManagement.Context.Storage;
using SessionManagement.Hosting.Modules;
using SessionManagement.Hosting.Storage.Mongo;

namespace SessionManagement.Context;

public static class ContextModule
{
    public const string Name = "context";

    /// <summary>Context items with scopes, priorities, sharing and privacy; compaction summaries kept as conversation context.</summary>
    public static SessionManagementBuilder AddContext(this SessionManagementBuilder builder)
    {
        builder.AddStore<IContextStore, SqliteContextStore, MongoContextStore>().AddAtRestRecords<SqliteContextStore, MongoContextStore>();
        builder.Services.AddSingleton(ContextSqliteSchema.V1);
        builder.Services.AddSingleton<IMongoIndexDefinition, ContextMongoCollections>();
        builder.Services.AddSingleton<ContextItems>();
        builder.Services.AddSingleton<ContextBackups>();
        builder.Services.AddSingleton<SessionManagement.Hosting.Security.IAtRestRecords>(provider => provider.GetRequiredService<ContextBackups>());
        builder.Services.AddHostedService<ContextBackupRestoreAtStart>();
        builder.StoresHookEvents<CompactionContextConsumer>(conversationOnly: true);
        builder.AddBusRegistrations(bus =>
        {
            bus.AddConsumer<ContextRequestsConsumer>();
            bus.AddConsumer<CompactionContextConsumer>();
            bus.AddConsumer<SessionPurgedConsumer>();
            bus.AddConsumer<ContextBackupsConsumer>();
        });
        return builder;
    }
}
