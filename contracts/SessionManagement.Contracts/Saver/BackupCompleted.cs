namespace SessionManagement.Contracts.Saver;

/// <summary>A backup of one session was written and verified.</summary>
/// <param name="CommandId">The <c>RunBackups</c> or on-demand command that asked for it.</param>
/// <param name="SessionId">The session backed up.</param>
/// <param name="BackupId">The new backup's id.</param>
/// <param name="SizeBytes">The stored (compressed) size.</param>
/// <param name="Checksum">The backup's checksum.</param>
/// <param name="CompletedAt">When it was written.</param>
public record BackupCompleted(
    Guid CommandId,
    string SessionId,
    Guid BackupId,
    long SizeBytes,
    string Checksum,
    DateTimeOffset CompletedAt);
