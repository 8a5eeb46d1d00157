using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage.Sqlite;
using SessionManagement.Saver.Storage;

namespace SessionManagement.Saver.Tests;

/// <summary>What the saver's SQLite store stands on in a test's own service provider: its options, its migrations, the database, no encryption.</summary>
internal static class SaverStoreServices
{
    public static IServiceCollection AddSaverSqlite(this IServiceCollection services, StorageOptions storage) => services
        .AddSingleton(Microsoft.Extensions.Options.Options.Create(storage))
        .AddSingleton(Microsoft.Extensions.Options.Options.Create(new PersistenceOptions()))
        .AddSingleton(Microsoft.Extensions.Options.Options.Create(new PerformanceOptions()))
        .AddSingleton<IEnumerable<SqliteMigration>>(SaverSqliteSchema.All)
        .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
        .AddSingleton<SqliteDatabase>()
        .AddSingleton(SessionManagement.Hosting.Security.AtRest.Off);
}
