using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;
using Prometheus;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Hosting.Storage;

/// <summary><c>sm_storage_bytes</c>: what the store takes on disk, read when <c>/metrics</c> is scraped (the SQLite file and its WAL, or MongoDB's dbStats).</summary>
public static class StorageUsageMetrics
{
    private static readonly Gauge StorageBytes = Metrics.CreateGauge("sm_storage_bytes", "Bytes the session store takes (SQLite file and WAL, or MongoDB storage size).");

    public static void Register(IServiceProvider services)
    {
        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (storage.Provider == StorageProvider.Sqlite)
        {
            Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
                StorageBytes.Set(new[] { storage.SqlitePath, storage.SqlitePath + "-wal" }.Where(File.Exists).Sum(path => new FileInfo(path).Length)));
            return;
        }
        var database = services.GetRequiredService<IMongoDatabase>();
        Metrics.DefaultRegistry.AddBeforeCollectCallback(async cancellationToken =>
        {
            try
            {
                var stats = await database.RunCommandAsync<BsonDocument>(new BsonDocument("dbStats", 1), cancellationToken: cancellationToken);
                if (stats.TryGetValue("storageSize", out var size) && size.IsNumeric)
                    StorageBytes.Set(size.ToDouble());
            }
            catch (MongoException)
            {
                // The gauge keeps its last value; /readyz reports the database.
            }
        });
    }
}
