using System.ComponentModel.DataAnnotations;

namespace SessionManagement.Scheduler.Options;

/// <summary>The schedules besides backups (whose interval is <c>persistence.backup_frequency</c>).</summary>
public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>Hours between cleanup runs.</summary>
    [Range(1, 720)]
    public int CleanupIntervalHours { get; set; } = 6;

    /// <summary>Whether metrics are rolled up (every minute, and at each hour and day boundary).</summary>
    public bool MetricsRollups { get; set; } = true;
}
