namespace SessionManagement.Contracts.Saver;

/// <summary>Cleanup removed an archived session from the saver (its backups stay): the other modules drop what they hold of it.</summary>
/// <param name="SessionId">The session removed.</param>
/// <param name="BackupId">Its last backup, kept, from which it can be restored.</param>
/// <param name="PurgedAt">When it was removed.</param>
public record SessionPurged(string SessionId, Guid BackupId, DateTimeOffset PurgedAt);
