using MassTransit;
using Microsoft.Extensions.Logging;
using Quartz;

namespace SessionManagement.Scheduler.Jobs;

/// <summary>The only job: publish the commands its schedule stands for. The modules that own the data do the work.</summary>
[DisallowConcurrentExecution]
public sealed class PublishScheduledCommandJob(IBus bus, ILogger<PublishScheduledCommandJob> logger) : IJob
{
    public const string ScheduleKey = "schedule";

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var schedule = context.MergedJobDataMap.GetString(ScheduleKey)!;
        var scheduledAt = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        var commands = ScheduledCommands.For(schedule, scheduledAt);
        // A broker that is down must not hold the job (and the scheduler's stop) for long.
        using var publishWithin = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        publishWithin.CancelAfter(PublishTimeout);
        try
        {
            await bus.PublishBatch(commands, publishWithin.Token);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Quartz fires again on the next slot; a refire now would only meet the same broker.
            logger.LogWarning(error, "The {Schedule} schedule could not publish its commands for {ScheduledAt:u}", schedule, scheduledAt);
            return;
        }
        logger.LogDebug("The {Schedule} schedule published {Count} commands for {ScheduledAt:u}", schedule, commands.Count, scheduledAt);
    }
}
