namespace SessionManagement.Contracts.Saver;

/// <summary>One backup of a session.</summary>
/// <param name="BackupId">The backup's id (what <see cref="RestoreBackup"/> takes).</param>
/// <param name="Version">The session version it holds.</param>
/// <param name="CreatedAt">When it was taken.</param>
/// <param name="SizeBytes">Its stored (compressed) size.</param>
/// <param name="Checksum">SHA-256 of its uncompressed body.</param>
/// <param name="SessionId">The session it holds.</param>
public record BackupEntry(Guid BackupId, long Version, DateTimeOffset CreatedAt, long SizeBytes, string Checksum, string? SessionId = null);
