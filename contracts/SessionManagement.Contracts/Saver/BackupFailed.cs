namespace SessionManagement.Contracts.Saver;

/// <summary>A backup of one session could not be written.</summary>
/// <param name="CommandId">The command that asked for it.</param>
/// <param name="SessionId">The session whose backup failed.</param>
/// <param name="Reason">What went wrong, for people.</param>
/// <param name="FailedAt">When it failed.</param>
public record BackupFailed(
    Guid CommandId,
    string SessionId,
    string Reason,
    DateTimeOffset FailedAt);
