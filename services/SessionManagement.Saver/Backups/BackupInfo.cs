namespace SessionManagement.Saver.Backups;

/// <summary>One stored backup: the session version it holds, when it was taken, its compressed size and its checksum (over the uncompressed body).</summary>
public sealed record BackupInfo(Guid BackupId, string SessionId, long Version, DateTimeOffset CreatedAt, long SizeBytes, string Checksum);
