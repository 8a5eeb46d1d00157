namespace SessionManagement.Saver.Backups;

/// <summary>What the session store gives backups: which sessions are at which version, a session read whole, and a restore.</summary>
public interface ISessionBackupSource
{
    /// <summary>Every stored session and its current version.</summary>
    Task<IReadOnlyDictionary<string, long>> VersionsAsync(CancellationToken cancellationToken);

    /// <summary>The session as it is now, read in one go, or null when there is no such session.</summary>
    Task<SessionBackup?> ReadSessionAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>Replaces the session's state and raw events with the backup's, exactly.</summary>
    Task RestoreAsync(SessionBackup backup, CancellationToken cancellationToken);
}
