using SessionManagement.Hosting.Instances;

namespace SessionManagement.Gateway.Web;

/// <summary>The health page: this host's readiness with each check's reason, the instances running each module, and what waits.</summary>
/// <param name="Queues">Each queue's depth over RabbitMQ; null on the in-memory bus, which has none to show.</param>
/// <param name="QueuesProblem">Why the depths could not be read, if they could not.</param>
/// <param name="Backups">The latest backups and the last day's failures, from the status module; null when it did not answer.</param>
/// <param name="BackupRuns">Each kind of backup's last run and what to make of it; null when the status module did not answer.</param>
public sealed record HealthView(
    WebViewer Viewer,
    string Status,
    IReadOnlyList<(string Name, string Status, string? Description)> Checks,
    IReadOnlyList<HostInstance> Instances,
    DateTimeOffset Now,
    int Spooled,
    int Rejected,
    IReadOnlyList<(string Name, long Messages)>? Queues,
    string? QueuesProblem,
    BackupsSeen? Backups,
    IReadOnlyList<SessionManagement.Gateway.Routes.BackupRunStates.Judged>? BackupRuns);

/// <summary>What the health page says of backups.</summary>
/// <param name="LastAt">The minute of the latest backup in the last week, or null when none was taken in it.</param>
/// <param name="LastCount">How many sessions were backed up that minute.</param>
/// <param name="LastDay">Sessions backed up in the last 24 hours.</param>
/// <param name="FailedLastDay">Backups that failed in the last 24 hours.</param>
/// <param name="Every">How often the schedule backs up the sessions that changed.</param>
public sealed record BackupsSeen(DateTimeOffset? LastAt, double LastCount, double LastDay, double FailedLastDay, TimeSpan Every);
