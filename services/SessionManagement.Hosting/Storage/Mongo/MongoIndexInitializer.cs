using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MongoDB.Driver;

namespace SessionManagement.Hosting.Storage.Mongo;

/// <summary>
/// Creates every module's indexes at start-up. createIndexes is idempotent, so running it on every
/// start is safe; a database that is down is retried in the background rather than failing the host.
/// </summary>
internal sealed class MongoIndexInitializer(
    IMongoDatabase database,
    IEnumerable<IMongoIndexDefinition> definitions,
    TimeProvider time,
    ILogger<MongoIndexInitializer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pending = definitions.ToList();
        var delay = TimeSpan.FromSeconds(1);
        while (pending.Count > 0 && !stoppingToken.IsCancellationRequested)
        {
            foreach (var definition in pending.ToList())
            {
                try
                {
                    await definition.CreateAsync(database, stoppingToken);
                    pending.Remove(definition);
                }
                catch (Exception error) when (error is MongoException or TimeoutException)
                {
                    logger.LogWarning(error, "Creating MongoDB indexes for {Definition} failed; retrying in {Delay}", definition.GetType().Name, delay);
                }
            }
            if (pending.Count > 0)
            {
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }
        if (pending.Count == 0)
            logger.LogInformation("MongoDB indexes ensured on {Database}", database.DatabaseNamespace.DatabaseName);
    }
}
