namespace SessionManagement.Contracts.Saver;

/// <summary>A session's backups, newest first.</summary>
public record BackupsListed(string SessionId, IReadOnlyList<BackupEntry> Backups);
