using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using SessionManagement.Contracts.Scheduler;
using SessionManagement.Hosting.Options;
using SessionManagement.Scheduler;
using SessionManagement.Scheduler.Jobs;
using SessionManagement.Scheduler.Options;
using SessionManagement.Testing;

namespace SessionManagement.Scheduler.Tests;

public sealed class SchedulesTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task When_the_clock_moves_past_each_backup_interval_Should_publish_one_RunBackups_per_interval()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 30, TimeSpan.Zero));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services
            .AddMassTransitTestHarness()
            .AddQuartz(quartz =>
            {
                quartz.UseTimeProvider(clock);
                SchedulerModule.Configure(quartz, new PersistenceOptions { BackupFrequency = 3_600 }, new SchedulerOptions { MetricsRollups = false });
            })
            .AddQuartzHostedService();
        using var host = builder.Build();
        await host.StartAsync(Cancel);
        var harness = host.Services.GetRequiredService<ITestHarness>();

        var first = await Eventually.ReturnsAsync(() => Task.FromResult(harness.Published.Select<RunBackups>(Cancel).Count()), n => n == 1,
            TimeSpan.FromSeconds(20), "the backup that fires at start");
        clock.Advance(TimeSpan.FromHours(1));
        var second = await Eventually.ReturnsAsync(() => Task.FromResult(harness.Published.Select<RunBackups>(Cancel).Count()), n => n == 2,
            TimeSpan.FromSeconds(20), "the backup an hour later");
        clock.Advance(TimeSpan.FromMinutes(59));

        Assert.Equal((1, 2), (first, second));
        Assert.Equal(2, harness.Published.Select<RunBackups>(Cancel).Count());
        var times = harness.Published.Select<RunBackups>(Cancel).Select(m => m.Context.Message.ScheduledAt).Order().ToList();
        Assert.Equal(TimeSpan.FromHours(1), times[1] - times[0]);
        Assert.True(await harness.Published.Any<RunCleanup>(Cancel));
        await host.StopAsync(Cancel);
    }

    [Fact]
    public void When_a_minute_closes_an_hour_and_a_day_Should_roll_up_all_three_periods()
    {
        var midnight = new DateTimeOffset(2026, 11, 25, 0, 0, 0, 40, TimeSpan.Zero);

        var commands = ScheduledCommands.For(ScheduledCommands.Metrics, midnight).Cast<ComputeMetrics>().ToList();
        var ordinary = ScheduledCommands.For(ScheduledCommands.Metrics, midnight.AddMinutes(7)).Cast<ComputeMetrics>().ToList();

        Assert.Equal(["minute", "hour", "day"], commands.Select(c => c.Granularity));
        Assert.Equal((midnight.AddDays(-1).AddMilliseconds(-40), midnight.AddMilliseconds(-40)), (commands[2].PeriodStart, commands[2].PeriodEnd));
        Assert.Equal(TimeSpan.FromMinutes(1), commands[0].PeriodEnd - commands[0].PeriodStart);
        Assert.Equal("minute", Assert.Single(ordinary).Granularity);
    }

    [Fact]
    public void When_the_same_firing_is_delivered_twice_Should_carry_the_same_command_id()
    {
        var at = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

        var once = (RunBackups)ScheduledCommands.For(ScheduledCommands.Backups, at)[0];
        var again = (RunBackups)ScheduledCommands.For(ScheduledCommands.Backups, at)[0];
        var next = (RunBackups)ScheduledCommands.For(ScheduledCommands.Backups, at.AddHours(1))[0];

        Assert.Equal(once.CommandId, again.CommandId);
        Assert.NotEqual(once.CommandId, next.CommandId);
    }
}
