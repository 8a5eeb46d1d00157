using MassTransit;
using Microsoft.Extensions.Logging;
using Quartz;

namespace SessionManagement.Scheduler.Jobs;

/// <summary>The only job: publish the commands its schedule stands for. The modules that own the data do the work.</summary>
[DisallowConcurrentExecution]
public sealed class PublishScheduledCommandJob(IBus bus, ILogger<PublishScheduledCommandJob> logger) : IJob
{
    public const string ScheduleKey = "schedule";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var schedule = context.MergedJobDataMap.GetString(ScheduleKey)!;
        var scheduledAt = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        var commands = ScheduledCommands.For(schedule, scheduledAt);
        try
        {
            await bus.PublishBatch(commands, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Quartz fires again on the next slot; a refire now would only meet the same broker.
            logger.LogWarning(error, "The {Schedule} schedule could not publish its commands for {ScheduledAt:u}", schedule, scheduledAt);
            return;
        }
        logger.LogDebug("The {Schedule} schedule published {Count} commands for {ScheduledAt:u}", schedule, commands.Count, scheduledAt);
    }
}
