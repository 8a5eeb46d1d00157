namespace SessionManagement.Contracts.Saver;

/// <summary>A restore that could not be done (no such backup, or it failed its checksum); nothing was changed.</summary>
public record BackupRestoreFailed(Guid BackupId, string Reason);
