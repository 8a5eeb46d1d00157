using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionManagement.Hosting.Instances;

namespace SessionManagement.Hosting.Health;

/// <summary>Ready only while the configured store answers a read.</summary>
internal sealed class StorageHealthCheck(IHostInstanceStore store) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            await store.PingAsync(deadline.Token);
            return HealthCheckResult.Healthy("store answered");
        }
        catch (Exception error)
        {
            return HealthCheckResult.Unhealthy($"store did not answer: {error.GetType().Name}: {error.Message}", error);
        }
    }
}
