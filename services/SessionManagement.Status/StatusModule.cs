using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Modules;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Pricing;
using SessionManagement.Hosting.Storage.Mongo;
using SessionManagement.Status.Consumers;
using SessionManagement.Status.Options;
using SessionManagement.Status.Storage;
using SessionManagement.Status.Tracking;

namespace SessionManagement.Status;

public static class StatusModule
{
    public const string Name = "status";

    /// <summary>Live status per session, counters rolled up per minute, hour and day, and reports (run one status instance).</summary>
    public static SessionManagementBuilder AddStatus(this SessionManagementBuilder builder)
    {
        builder.AddStore<IStatusStore, SqliteStatusStore, MongoStatusStore>();
        foreach (var migration in StatusSqliteSchema.All)
            builder.Services.AddSingleton(migration);
        builder.Services.AddSingleton<IMongoIndexDefinition, StatusMongoCollections>();
        var options = OptionsValidation.BindOrThrow<StatusOptions>(builder.Configuration, StatusOptions.Section);
        builder.Services.TryAddSingleton(PriceTable.From(options.Prices)); // the web view prices turns by the same table
        builder.Services.AddSingleton(provider => new StatusTracker(provider.GetRequiredService<IStatusStore>(), provider.GetRequiredService<PriceTable>(),
            provider.GetRequiredService<TimeProvider>()));
        // Embedded, the gateway hands hooks over in bursts; over RabbitMQ, one by one.
        var embedded = builder.Settings.Bus.Transport == BusTransport.InMemory;
        if (embedded)
            builder.StoresHookEvents<StatusHooksAcceptedConsumer>(conversationOnly: false);
        else
            builder.StoresHookEvents<StatusHookBatchConsumer>(conversationOnly: false);
        builder.AddBusRegistrations(bus =>
        {
            if (embedded)
                bus.AddConsumer<StatusHooksAcceptedConsumer, StatusHooksAcceptedConsumerDefinition>();
            else
                bus.AddConsumer<StatusHookBatchConsumer, StatusHookBatchConsumerDefinition>();
            bus.AddConsumer<StatusEventsConsumer, StatusEventsConsumerDefinition>();
            bus.AddConsumer<StatusQueriesConsumer>();
        });
        return builder;
    }
}
