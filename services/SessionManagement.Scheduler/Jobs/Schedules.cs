using Quartz;
using SessionManagement.Hosting.Options;
using SessionManagement.Scheduler.Options;

namespace SessionManagement.Scheduler.Jobs;

/// <summary>
/// The triggers, from configuration. Misfires (the scheduler was down or busy at a firing time): backups and cleanup
/// fire once as soon as they can (one run covers every missed one); metrics fire for every missed minute, each
/// rolling up its own period.
/// </summary>
public static class Schedules
{
    public static IEnumerable<(string Name, Action<ITriggerConfigurator<PublishScheduledCommandJob>> Trigger)> From(
        PersistenceOptions persistence, SchedulerOptions scheduler)
    {
        yield return (ScheduledCommands.Backups, t => t.StartNow().WithSimpleSchedule(s => s
            .WithInterval(TimeSpan.FromSeconds(persistence.BackupFrequency)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow)));
        yield return (ScheduledCommands.Cleanup, t => t.StartNow().WithSimpleSchedule(s => s
            .WithInterval(TimeSpan.FromHours(scheduler.CleanupIntervalHours)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow)));
        if (scheduler.MetricsRollups)
            yield return (ScheduledCommands.Metrics, t => t.WithCronSchedule("0 * * * * ?",
                c => c.InTimeZone(TimeZoneInfo.Utc).WithMisfireInstruction(CronTriggerMisfireInstruction.IgnoreMisfires)));
    }
}
