namespace SessionManagement.Contracts.Saver;

/// <summary>A session was restored from a backup, exactly as it was when the backup was taken.</summary>
/// <param name="SessionId">The session restored.</param>
/// <param name="BackupId">The backup it came from.</param>
/// <param name="Version">The session version the backup held.</param>
/// <param name="EventCount">Raw events restored.</param>
/// <param name="RestoredAt">When the restore finished.</param>
public record BackupRestored(string SessionId, Guid BackupId, long Version, long EventCount, DateTimeOffset RestoredAt);
