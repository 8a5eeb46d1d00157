namespace SessionManagement.Contracts.Scheduler;

/// <summary>The schedule says: apply retention (age, history length, size) to stored data.</summary>
/// <param name="CommandId">Unique per firing; handling the same id twice does the work once.</param>
/// <param name="ScheduledAt">The firing time the schedule intended.</param>
public record RunCleanup(Guid CommandId, DateTimeOffset ScheduledAt);
