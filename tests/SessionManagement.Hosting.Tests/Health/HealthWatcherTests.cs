using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using SessionManagement.Contracts.Status;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Health;
using SessionManagement.Hosting.Instances;

namespace SessionManagement.Hosting.Tests.Health;

public sealed class HealthWatcherTests
{
    /// <summary>A health service that reports whatever the test sets.</summary>
    private sealed class ScriptedHealth : HealthCheckService
    {
        public HealthStatus Status { get; set; } = HealthStatus.Healthy;

        public override Task<HealthReport> CheckHealthAsync(Func<HealthCheckRegistration, bool>? predicate, CancellationToken cancellationToken = default) =>
            Task.FromResult(new HealthReport(new Dictionary<string, HealthReportEntry>
            {
                ["storage"] = new(Status, Status == HealthStatus.Healthy ? "store answered" : "database is down", TimeSpan.Zero, null, null),
            }, TimeSpan.Zero));
    }

    [Fact]
    public async Task When_health_moves_and_back_Should_announce_each_change_once_per_module()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var settings = SessionManagementSettings.Load(new ConfigurationBuilder().Build());
        var host = new CurrentHostInstance(settings, ["saver", "chat"]);
        var health = new ScriptedHealth();
        using var watcher = new HealthWatcher(health, harness.Bus, host, TimeProvider.System, NullLogger<HealthWatcher>.Instance);

        await watcher.CheckOnceAsync(cancel);
        health.Status = HealthStatus.Unhealthy;
        await watcher.CheckOnceAsync(cancel);
        await watcher.CheckOnceAsync(cancel);
        health.Status = HealthStatus.Healthy;
        await watcher.CheckOnceAsync(cancel);

        Assert.True(await harness.Published.Any<HealthChanged>(x => x.Context.Message.Current == "Healthy" && x.Context.Message.Instance == host.InstanceId.ToString(), cancel));
        var changes = harness.Published.Select<HealthChanged>(x => x.Context.Message.Instance == host.InstanceId.ToString(), cancel).Select(x => x.Context.Message).ToList();
        Assert.Equal(4, changes.Count);
        Assert.Equal(2, changes.Count(c => c.Current == "Unhealthy" && c.Description.Contains("database is down", StringComparison.Ordinal)));
        Assert.Equal(["chat", "saver"], changes.Where(c => c.Current == "Unhealthy").Select(c => c.Module).Order());
    }
}
