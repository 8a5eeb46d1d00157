namespace SessionManagement.Saver.Backups;

/// <summary>The saver's backups: written, listed, read, pruned, and restored over the live session.</summary>
public interface IBackupStore
{
    /// <summary>Sessions whose state changed since their newest backup (or that have none).</summary>
    Task<IReadOnlyList<string>> ChangedSinceBackupAsync(CancellationToken cancellationToken);

    /// <summary>The session as it is now, read in one go, or null when there is no such session.</summary>
    Task<SessionBackup?> ReadSessionAsync(string sessionId, CancellationToken cancellationToken);

    Task WriteAsync(BackupInfo info, byte[] body, CancellationToken cancellationToken);

    /// <summary>A session's backups, newest first.</summary>
    Task<IReadOnlyList<BackupInfo>> ListAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Every session's backups, newest first: the first <paramref name="limit"/> (0: all), and how many there are.</summary>
    Task<(IReadOnlyList<BackupInfo> Newest, int Total)> ListAllAsync(int limit, CancellationToken cancellationToken);

    Task<(BackupInfo Info, byte[] Body)?> GetAsync(Guid backupId, CancellationToken cancellationToken);

    Task DeleteAsync(IReadOnlyCollection<Guid> backupIds, CancellationToken cancellationToken);

    /// <summary>Replaces the session's state and raw events with the backup's, exactly.</summary>
    Task RestoreAsync(SessionBackup backup, CancellationToken cancellationToken);
}
