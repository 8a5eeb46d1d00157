using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SessionManagement.Hosting.Instances;

/// <summary>Records this process in the instance registry at start, refreshes it every interval, and marks it stopped at shutdown.</summary>
internal sealed class HostInstanceHeartbeat(
    IHostInstanceStore store,
    CurrentHostInstance current,
    TimeProvider time,
    ILogger<HostInstanceHeartbeat> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = HostInstance.HeartbeatInterval;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var registered = false;
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var now = time.GetUtcNow();
                if (!registered || !await store.RecordHeartbeatAsync(current.InstanceId, now, stoppingToken))
                {
                    await store.RecordStartAsync(current.Describe(now), stoppingToken);
                    registered = true;
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogWarning(error, "Could not record host instance {InstanceId} in the store; will retry", current.InstanceId);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await store.RecordStopAsync(current.InstanceId, time.GetUtcNow(), cancellationToken);
        }
        catch (Exception error)
        {
            // Stopping goes on regardless: a stop that ran out of time must not turn into a crash.
            logger.LogWarning(error, "Could not record the stop of host instance {InstanceId}", current.InstanceId);
        }
    }
}
