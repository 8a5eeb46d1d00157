namespace SessionManagement.Contracts.Saver;

/// <summary>Replace a session's state and raw events with one of its backups. Answered with <see cref="BackupRestored"/> or <see cref="BackupRestoreFailed"/>.</summary>
/// <param name="CommandId">Unique per request.</param>
/// <param name="BackupId">The backup to restore.</param>
public record RestoreBackup(Guid CommandId, Guid BackupId);
