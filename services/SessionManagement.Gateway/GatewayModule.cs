using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SessionManagement.Bridge.Privacy;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Context;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Contracts.Loader;
using SessionManagement.Contracts.Saver;
using SessionManagement.Contracts.Status;
using SessionManagement.Gateway.Accept;
using SessionManagement.Gateway.Capture;
using SessionManagement.Gateway.Health;
using SessionManagement.Gateway.Journal;
using SessionManagement.Gateway.Options;
using SessionManagement.Gateway.Registry;
using SessionManagement.Gateway.Routes;
using SessionManagement.Gateway.Spool;
using SessionManagement.Gateway.Storage;
using SessionManagement.Gateway.Transcripts;
using SessionManagement.Gateway.Web;
using SessionManagement.Gateway.Web.Live;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Modules;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Pricing;
using SessionManagement.Hosting.Storage.Mongo;

namespace SessionManagement.Gateway;

public static class GatewayModule
{
    public const string Name = "gateway";

    /// <summary>The bridge: <c>POST /hooks</c>, <c>POST /statusline</c>, the hook registry, the delivery journal, the spool and transcript shipping.</summary>
    public static SessionManagementBuilder AddGateway(this SessionManagementBuilder builder)
    {
        var options = OptionsValidation.BindOrThrow<GatewayOptions>(builder.Configuration, GatewayOptions.Section);

        var services = builder.Services;
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        builder.AddStore<IDeliveryJournal, SqliteDeliveryJournal, MongoDeliveryJournal>()
            .AddStore<IHookRegistryStore, SqliteHookRegistryStore, MongoHookRegistryStore>()
            .AddStore<ITranscriptCursorStore, SqliteTranscriptCursorStore, MongoTranscriptCursorStore>();
        foreach (var migration in GatewaySqliteSchema.All)
            services.AddSingleton(migration);
        services.AddSingleton<IMongoIndexDefinition, GatewayMongoCollections>();

        AddAcceptor(builder);
        services.AddSingleton<GatewaySpool>();
        services.AddSingleton<RejectedInputs>();
        services.AddSingleton<Errors.ErrorQueues>();
        services.AddHealthChecks().AddCheck<HookIntakeHealthCheck>("hooks", tags: ["ready"]);
        services.AddSingleton<ActiveSessions>();
        services.AddSingleton<GitBranchReader>();
        var chat = builder.Settings.SessionManagement.ChatManagement;
        services.AddSingleton(new SecretRedactor(chat.RedactSecrets, chat.SecretPatterns));
        services.AddSingleton<HookCapture>();
        services.TryAddSingleton(PriceTable.From(builder.Configuration)); // the web view's cost per turn, by the status module's prices
        services.AddSingleton<SessionContextLoader>();
        services.AddSingleton<SessionStatusLookup>();
        services.AddSingleton<TranscriptPathPolicy>();
        services.AddSingleton<TranscriptAlignment>();
        services.AddSingleton<TranscriptShipper>();
        services.AddSingleton<ToolResultFiles>();
        AddHostedSingleton<DeliveryJournalWriter>(services);
        AddHostedSingleton<HookRegistryRecorder>(services);
        AddHostedSingleton<SpoolDrainer>(services);
        AddHostedSingleton<TranscriptPoller>(services);
        AddHostedSingleton<TranscriptReconciler>(services);
        services.AddHostedService<WarmUpAtStart>();

        services.AddSingleton<TranscriptImporter>();
        services.AddSingleton<SessionErasure>();
        services.AddSingleton<ErasureWatch>();
        services.AddSingleton<ReadApiClient>();
        builder.AddBusRegistrations(bus =>
        {
            bus.AddRequestClient<LoadSession>();
            bus.AddRequestClient<ListSessions>();
            bus.AddRequestClient<GetSession>();
            bus.AddRequestClient<UseSession>();
            bus.AddRequestClient<GetMessages>();
            bus.AddRequestClient<GetTranscriptLines>();
            bus.AddRequestClient<ListTranscriptFiles>();
            bus.AddRequestClient<SearchMessages>();
            bus.AddRequestClient<TranscriptLinesCaptured>();
            bus.AddRequestClient<SaveContextItem>();
            bus.AddRequestClient<QueryContext>();
            bus.AddRequestClient<ListBackups>();
            bus.AddRequestClient<RestoreBackup>();
            bus.AddRequestClient<DeleteSession>();
            bus.AddRequestClient<RestoreTranscriptBackups>();
            bus.AddRequestClient<RestoreContextBackups>();
            bus.AddRequestClient<GetSessionStatus>();
            bus.AddRequestClient<GetReport>();
            bus.AddRequestClient<GetBackupRuns>();
            bus.AddRequestClient<ListAudit>();
            bus.AddRequestClient<GetSessionOwner>();
            bus.AddRequestClient<GetSessionEvents>();
            // Each gateway's own temporary endpoint: every one sees every notice for the pages open on it.
            bus.AddConsumer<LiveFeedConsumer>().Endpoint(endpoint =>
            {
                endpoint.InstanceId = Guid.NewGuid().ToString("N")[..12];
                endpoint.Temporary = true;
            });
        });
        services.AddSingleton<LiveFeed>();
        builder.MapRoutes(GatewayRoutes.Map);
        builder.MapRoutes(WebRoutes.Map);
        return builder;
    }

    /// <summary>
    /// Embedded (in-memory bus): hooks are kept in the accepted-events log and handed to the consumers from there. Over
    /// RabbitMQ: kept once the broker confirms them.
    /// </summary>
    private static void AddAcceptor(SessionManagementBuilder builder)
    {
        var services = builder.Services;
        if (builder.Settings.Bus.Transport != BusTransport.InMemory)
        {
            services.AddSingleton<IHookAcceptor, PublishedHookAcceptor>();
            return;
        }
        services.AddSingleton<AcceptedEventLog>();
        services.AddSingleton<HookDeliveryTracker>();
        services.AddSingleton<IHookAcceptor, LoggedHookAcceptor>();
        AddHostedSingleton<AcceptedEventDispatcher>(services);
        builder.AddBusRegistrations(bus => bus.AddConsumeObserver(provider => provider.GetRequiredService<HookDeliveryTracker>()));
    }

    private static void AddHostedSingleton<T>(IServiceCollection services) where T : class, Microsoft.Extensions.Hosting.IHostedService
    {
        services.AddSingleton<T>();
        services.AddHostedService(provider => provider.GetRequiredService<T>());
    }
}
