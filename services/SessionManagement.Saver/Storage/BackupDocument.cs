namespace SessionManagement.Saver.Storage;

/// <summary>A backup as MongoDB keeps it: the compressed body with its checksum.</summary>
internal sealed record BackupDocument(Guid Id, string SessionId, long Version, DateTimeOffset CreatedAt, long SizeBytes, string Checksum, byte[] Body);
