using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SessionManagement.Contracts.Status;
using SessionManagement.Hosting.Instances;

namespace SessionManagement.Hosting.Health;

/// <summary>
/// Checks this host's readiness every <see cref="Interval"/> and announces each change (HealthChanged, once per module
/// the host runs). A change seen while the broker is down is announced when it can be: the comparison is against what
/// was last announced, not last seen.
/// </summary>
public sealed class HealthWatcher(HealthCheckService health, IBus bus, CurrentHostInstance host, TimeProvider time, ILogger<HealthWatcher> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private readonly PeriodicTimer _timer = new(Interval, time);
    private HealthStatus _announced = HealthStatus.Healthy;

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken))
                await CheckOnceAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task CheckOnceAsync(CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains("ready"), cancellationToken);
        if (report.Status == _announced)
            return;
        var why = string.Join("; ", report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => $"{e.Key}: {e.Value.Description}"));
        var now = time.GetUtcNow();
        try
        {
            using var within = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            within.CancelAfter(TimeSpan.FromSeconds(5));
            foreach (var module in host.Targets)
                await bus.Publish(new HealthChanged(module, host.InstanceId.ToString(), _announced.ToString(), report.Status.ToString(),
                    why.Length > 0 ? why : "all checks pass", now), within.Token);
            _announced = report.Status;
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Health moved from {Previous} to {Current} ({Why}); announcing it when the broker takes it", _announced, report.Status, why);
        }
    }
}
