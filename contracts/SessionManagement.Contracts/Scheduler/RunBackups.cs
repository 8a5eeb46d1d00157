namespace SessionManagement.Contracts.Scheduler;

/// <summary>The schedule says: back up every session changed since its last backup.</summary>
/// <param name="CommandId">Unique per firing; handling the same id twice does the work once.</param>
/// <param name="ScheduledAt">The firing time the schedule intended.</param>
public record RunBackups(Guid CommandId, DateTimeOffset ScheduledAt);
