using Microsoft.Extensions.DependencyInjection;
using Quartz;
using SessionManagement.Hosting.Configuration;
using SessionManagement.Hosting.Modules;
using SessionManagement.Scheduler.Jobs;
using SessionManagement.Scheduler.Options;

namespace SessionManagement.Scheduler;

public static class SchedulerModule
{
    public const string Name = "scheduler";

    /// <summary>Quartz.NET in this process (run exactly one scheduler target): backups, cleanup and metrics roll-ups, published as commands.</summary>
    public static SessionManagementBuilder AddScheduler(this SessionManagementBuilder builder)
    {
        var options = OptionsValidation.BindOrThrow<SchedulerOptions>(builder.Configuration, SchedulerOptions.Section);
        var persistence = builder.Settings.SessionManagement.Persistence;
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        builder.Services.AddQuartz(quartz => Configure(quartz, persistence, options));
        // Jobs only publish; one cut short at stop is made good by the next firing (or the misfire rule).
        builder.Services.AddQuartzHostedService(hosted => hosted.WaitForJobsToComplete = false);
        return builder;
    }

    /// <summary>One job per schedule, each publishing its commands; tests hand in their own clock through <paramref name="quartz"/>.</summary>
    public static void Configure(IQuartzBuilder quartz, Hosting.Options.PersistenceOptions persistence, SchedulerOptions options)
    {
        foreach (var (name, trigger) in Schedules.From(persistence, options))
        {
            quartz.ScheduleJob<PublishScheduledCommandJob>(
                t => trigger(t.WithIdentity(name)),
                job => job.WithIdentity(name).UsingJobData(PublishScheduledCommandJob.ScheduleKey, name));
        }
    }
}
