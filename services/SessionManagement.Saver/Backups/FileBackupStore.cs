namespace SessionManagement.Saver.Backups;

/// <summary>Backups kept in <see cref="BackupFolder"/>, of the sessions the store holds.</summary>
public sealed class FileBackupStore(ISessionBackupSource sessions, BackupFolder folder) : IBackupStore
{
    public async Task<IReadOnlyList<string>> ChangedSinceBackupAsync(CancellationToken cancellationToken)
    {
        var backedUp = folder.NewestVersions();
        return [.. (await sessions.VersionsAsync(cancellationToken)).Where(s => s.Value > backedUp.GetValueOrDefault(s.Key)).Select(s => s.Key)];
    }

    public Task<SessionBackup?> ReadSessionAsync(string sessionId, CancellationToken cancellationToken) => sessions.ReadSessionAsync(sessionId, cancellationToken);

    public Task WriteAsync(BackupInfo info, byte[] body, CancellationToken cancellationToken) => folder.WriteAsync(info, body, cancellationToken);

    public Task<IReadOnlyList<BackupInfo>> ListAsync(string sessionId, CancellationToken cancellationToken) => Task.FromResult(folder.List(sessionId));

    public Task<(IReadOnlyList<BackupInfo> Newest, int Total)> ListAllAsync(int limit, CancellationToken cancellationToken) =>
        Task.Run(() => folder.ListAll(limit, cancellationToken), cancellationToken); // a header read per file: off the consumer's thread

    public Task<(BackupInfo Info, byte[] Body)?> GetAsync(Guid backupId, CancellationToken cancellationToken) => folder.GetAsync(backupId, cancellationToken);

    public Task DeleteAsync(IReadOnlyCollection<Guid> backupIds, CancellationToken cancellationToken) => folder.DeleteAsync(backupIds, cancellationToken);

    public Task RestoreAsync(SessionBackup backup, CancellationToken cancellationToken) => sessions.RestoreAsync(backup, cancellationToken);
}
