namespace SessionManagement.Saver.Backups;

/// <summary>Backups that earlier versions kept inside the database, read once to be moved out to <see cref="BackupFolder"/>.</summary>
public interface ILegacyBackups
{
    /// <summary>Up to <paramref name="limit"/> backups still in the database.</summary>
    Task<IReadOnlyList<Guid>> LegacyBackupIdsAsync(int limit, CancellationToken cancellationToken);

    Task<(BackupInfo Info, byte[] Body)?> GetLegacyAsync(Guid backupId, CancellationToken cancellationToken);

    Task DeleteLegacyAsync(IReadOnlyCollection<Guid> backupIds, CancellationToken cancellationToken);
}
