using System.Security.Cryptography;
using System.Text;
using SessionManagement.Contracts.Scheduler;

namespace SessionManagement.Scheduler.Jobs;

/// <summary>
/// What each schedule publishes when it fires. The command id comes from the schedule and its intended firing time,
/// so a firing delivered twice (or replayed after a misfire) carries the same id and the owner does the work once.
/// </summary>
public static class ScheduledCommands
{
    public const string Backups = "backups";
    public const string Cleanup = "cleanup";
    public const string Metrics = "metrics";

    public static IReadOnlyList<object> For(string schedule, DateTimeOffset scheduledAt) => schedule switch
    {
        Backups => [new RunBackups(CommandId(schedule, scheduledAt), scheduledAt)],
        Cleanup => [new RunCleanup(CommandId(schedule, scheduledAt), scheduledAt)],
        Metrics => RollUps(scheduledAt),
        _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule, "no such schedule"),
    };

    /// <summary>The minute that just closed; and the hour and the day too when this firing closes them.</summary>
    private static List<object> RollUps(DateTimeOffset scheduledAt)
    {
        var end = new DateTimeOffset(scheduledAt.UtcDateTime.Year, scheduledAt.UtcDateTime.Month, scheduledAt.UtcDateTime.Day,
            scheduledAt.UtcDateTime.Hour, scheduledAt.UtcDateTime.Minute, 0, TimeSpan.Zero);
        var commands = new List<object> { Period("minute", end.AddMinutes(-1), end) };
        if (end.Minute == 0)
            commands.Add(Period("hour", end.AddHours(-1), end));
        if (end is { Hour: 0, Minute: 0 })
            commands.Add(Period("day", end.AddDays(-1), end));
        return commands;
    }

    private static ComputeMetrics Period(string granularity, DateTimeOffset start, DateTimeOffset end) =>
        new(CommandId($"{Metrics}-{granularity}", start), granularity, start, end);

    private static Guid CommandId(string schedule, DateTimeOffset at) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{schedule}\n{at.UtcTicks}")).AsSpan(0, 16));
}
