using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using SessionManagement.Hosting.Modules;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;
using SessionManagement.Hosting.Storage.Mongo;
using SessionManagement.Saver.Backups;
using SessionManagement.Saver.Cleanup;
using SessionManagement.Saver.Consumers;
using SessionManagement.Saver.Recovery;
using SessionManagement.Saver.Snapshots;
using SessionManagement.Saver.Storage;

namespace SessionManagement.Saver;

public static class SaverModule
{
    public const string Name = "saver";

    /// <summary>Every captured hook stored once; each session's state derived from them; SessionStarted, SessionSaved and SessionEnded announced.</summary>
    public static SessionManagementBuilder AddSaver(this SessionManagementBuilder builder)
    {
        builder.AddStore<ISessionStore, SqliteSessionStore, MongoSessionStore>()
            .AddStore<ISessionBackupSource, SqliteSessionStore, MongoSessionStore>()
            .AddStore<ILegacyBackups, SqliteSessionStore, MongoSessionStore>()
            .AddStore<IArchiveStore, SqliteSessionStore, MongoSessionStore>()
            .AddAtRestRecords<SqliteSessionStore, MongoSessionStore>();
        builder.Services.AddSingleton<BackupFolder>();
        builder.Services.AddSingleton<IAtRestRecords, BackupFolderAtRest>();
        builder.Services.AddSingleton<IBackupStore, FileBackupStore>();
        builder.Services.AddHostedService<LegacyBackupMove>();
        builder.Services.AddHostedService<BackupRestoreAtStart>();
        builder.Services.AddSingleton<SessionCleanup>();
        builder.Services.AddSingleton<NotedModels>();
        builder.Services.AddSingleton<SessionBackups>();
        builder.Services.AddSingleton<AuditBackups>();
        foreach (var migration in SaverSqliteSchema.All)
            builder.Services.AddSingleton(migration);
        builder.Services.AddSingleton<IMongoIndexDefinition, SaverMongoCollections>();
        builder.Services.AddHostedService<AutoSaveService>();
        builder.Services.AddSingleton<SessionRecovery>();
        // Embedded, the gateway hands hooks over in bursts; over RabbitMQ, one by one.
        var embedded = builder.Settings.Bus.Transport == BusTransport.InMemory;
        if (embedded)
            builder.StoresHookEvents<HookEventsAcceptedConsumer>(conversationOnly: false);
        else
            builder.StoresHookEvents<HookEventBatchConsumer>(conversationOnly: false);
        builder.AddBusRegistrations(bus =>
        {
            if (embedded)
                bus.AddConsumer<HookEventsAcceptedConsumer, HookEventsAcceptedConsumerDefinition>();
            else
                bus.AddConsumer<HookEventBatchConsumer, HookEventBatchConsumerDefinition>();
            bus.AddConsumer<SessionQueriesConsumer>();
            bus.AddConsumer<BackupsConsumer>();
            bus.AddConsumer<CleanupConsumer>();
            bus.AddConsumer<ImportedSessionConsumer, ImportedSessionConsumerDefinition>();
            bus.AddConsumer<TranscriptFactsConsumer, TranscriptFactsConsumerDefinition>();
            bus.AddConsumer<AuditConsumer, AuditConsumerDefinition>();
        });
        return builder;
    }
}
