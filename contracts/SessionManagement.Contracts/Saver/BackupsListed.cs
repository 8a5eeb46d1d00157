namespace SessionManagement.Contracts.Saver;

/// <summary>A session's backups (every session's when <paramref name="SessionId"/> is null), newest first, and how many there are in all.</summary>
public record BackupsListed(string? SessionId, IReadOnlyList<BackupEntry> Backups, int Total = 0);
