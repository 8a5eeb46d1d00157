using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MongoDB.Driver;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Health;
using SessionManagement.Hosting.Instances;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage.Mongo;
using SessionManagement.Hosting.Storage.Sqlite;

namespace SessionManagement.Hosting.Modules;

public static class SessionManagementServiceCollectionExtensions
{
    /// <summary>
    /// The service defaults every host process gets: validated options, the configured store, the
    /// instance registry, health checks. Modules add themselves to the returned builder; then call
    /// <see cref="SessionManagementBuilder.AddBus"/>.
    /// </summary>
    public static SessionManagementBuilder AddSessionManagement(
        this IServiceCollection services, IConfiguration configuration, SessionManagementSettings settings, IReadOnlyList<string> targets)
    {
        services.AddSingleton(settings);
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.SessionManagement));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.SessionManagement.Persistence));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.SessionManagement.SessionStorage));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.SessionManagement.ContextManagement));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.SessionManagement.ChatManagement));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.SessionManagement.Recovery));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.SessionManagement.Performance));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Bus));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Storage));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(settings.Http));
        services.TryAddSingleton(TimeProvider.System);
        var tokens = Security.AccessTokens.Load(configuration);
        Security.ListenerGuard.RequireTokenBeyondLoopback(configuration, settings.Http, tokens); // before anything listens, whatever the targets
        services.AddSingleton(tokens);
        services.AddSingleton(Security.AtRest.Load(configuration, settings.SessionManagement.SessionStorage, TimeProvider.System));
        services.AddSingleton<Security.AtRestResealer>();
        services.AddHostedService(provider => provider.GetRequiredService<Security.AtRestResealer>());
        services.AddSingleton(new CurrentHostInstance(settings, targets));

        var builder = new SessionManagementBuilder(services, configuration, settings);
        services.AddSingleton(builder);
        AddStorage(builder);
        builder.AddStore<IHostInstanceStore, SqliteHostInstanceStore, MongoHostInstanceStore>();
        services.AddSingleton(SqliteHostInstanceStore.Schema);
        services.AddSingleton<IMongoIndexDefinition, HostInstanceIndexes>();
        services.AddHostedService<HostInstanceHeartbeat>();
        services.AddHostedService<Health.HealthWatcher>();

        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.Configure<Microsoft.Extensions.Hosting.HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(4));
        return builder;
    }

    private static void AddStorage(SessionManagementBuilder builder)
    {
        var services = builder.Services;
        var storage = builder.Settings.Storage;
        if (storage.Provider == StorageProvider.Sqlite)
        {
            services.AddSingleton<SqliteDatabase>();
            services.AddHostedService<SqliteInitializer>();
            services.AddHostedService<SqliteCheckpointer>();
            return;
        }

        MongoConventions.Register();
        services.AddSingleton<IMongoClient>(_ =>
        {
            var clientSettings = MongoClientSettings.FromConnectionString(storage.MongoDbUri);
            clientSettings.ServerSelectionTimeout = TimeSpan.FromSeconds(5);
            clientSettings.ApplicationName = "session-management";
            return new MongoClient(clientSettings);
        });
        services.AddSingleton(provider => provider.GetRequiredService<IMongoClient>().GetDatabase(storage.MongoDbDatabase));
        services.AddHostedService<MongoIndexInitializer>();
    }
}
