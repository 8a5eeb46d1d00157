using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using SessionManagement.Hosting.Instances;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage.Sqlite;

namespace SessionManagement.Hosting.Health;

/// <summary>
/// Ready only while the configured store answers a read and can write: on SQLite, its last write did not fail and the disk
/// of the data folder has room. Its free space is reported with the result (<c>freeBytes</c>), for <c>smctl doctor</c> to warn
/// long before it runs out.
/// </summary>
internal sealed class StorageHealthCheck(IHostInstanceStore store, IOptions<StorageOptions> storage, IServiceProvider services) : IHealthCheck
{
    /// <summary>Below this much free space a write of the store is about to fail.</summary>
    public const long MinimumFreeBytes = 1024 * 1024;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private readonly SqliteDatabase? _sqlite = services.GetService(typeof(SqliteDatabase)) as SqliteDatabase;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            await store.PingAsync(deadline.Token);
        }
        catch (Exception error)
        {
            return HealthCheckResult.Unhealthy($"store did not answer: {error.GetType().Name}: {error.Message}", error);
        }
        if (_sqlite is null)
            return HealthCheckResult.Healthy("store answered");
        if (_sqlite.WriteFailure is { } failure)
            return HealthCheckResult.Unhealthy($"store cannot write: {failure}");
        var free = FreeSpace.Of(storage.Value.DataDirectory);
        if (free < MinimumFreeBytes)
            return HealthCheckResult.Unhealthy($"disk full: {free} bytes free for {storage.Value.DataDirectory}");
        return HealthCheckResult.Healthy("store answered and can write",
            free is { } bytes ? new Dictionary<string, object> { ["freeBytes"] = bytes } : null);
    }
}
