using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Saver.Backups;

/// <summary>
/// Backs up every session changed since its newest backup (state and every raw event, compressed, checksummed and read
/// back before it counts), keeps <c>persistence.max_backups</c> per session, and restores a backup exactly.
/// Running twice does the work once: the second run finds nothing changed.
/// </summary>
public sealed class SessionBackups(IBackupStore store, IOptions<PersistenceOptions> persistence, TimeProvider time, ILogger<SessionBackups> logger, AtRest atRest)
{
    public async Task<IReadOnlyList<object>> BackUpChangedAsync(Guid commandId, CancellationToken cancellationToken)
    {
        var outcomes = new List<object>();
        foreach (var sessionId in await store.ChangedSinceBackupAsync(cancellationToken))
        {
            try
            {
                outcomes.Add(await BackUpAsync(commandId, sessionId, cancellationToken));
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                logger.LogError(error, "Backup of session {SessionId} failed", sessionId);
                outcomes.Add(new BackupFailed(commandId, sessionId, error.Message, time.GetUtcNow()));
            }
        }
        return outcomes;
    }

    /// <summary>Backs up one session now: <c>BackupCompleted</c> or <c>BackupFailed</c>.</summary>
    public async Task<object> BackUpAsync(Guid commandId, string sessionId, CancellationToken cancellationToken)
    {
        if (await store.ReadSessionAsync(sessionId, cancellationToken) is not { } session)
            return new BackupFailed(commandId, sessionId, "the session is gone", time.GetUtcNow());
        var (body, checksum) = BackupCodec.Encode(session, atRest);
        var info = new BackupInfo(Guid.CreateVersion7(), sessionId, session.State.Version, time.GetUtcNow(), body.Length, checksum);
        await store.WriteAsync(info, body, cancellationToken);
        // Verified as written: read back and checked before it counts (and before an older one is let go).
        if (await store.GetAsync(info.BackupId, cancellationToken) is not { } written || BackupCodec.Decode(written.Body, written.Info.Checksum, atRest) is null)
        {
            await store.DeleteAsync([info.BackupId], cancellationToken);
            return new BackupFailed(commandId, sessionId, "the backup did not read back intact", time.GetUtcNow());
        }
        var older = (await store.ListAsync(sessionId, cancellationToken)).Skip(persistence.Value.MaxBackups).Select(b => b.BackupId).ToList();
        if (older.Count > 0)
            await store.DeleteAsync(older, cancellationToken);
        return new BackupCompleted(commandId, sessionId, info.BackupId, info.SizeBytes, checksum, info.CreatedAt);
    }

    public async Task<object> RestoreAsync(Guid backupId, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(backupId, cancellationToken) is not { } found)
            return new BackupRestoreFailed(backupId, "no such backup");
        if (BackupCodec.Decode(found.Body, found.Info.Checksum, atRest) is not { } backup)
            return new BackupRestoreFailed(backupId, "the backup failed its checksum; nothing was changed");
        await store.RestoreAsync(backup, cancellationToken);
        logger.LogWarning("Audit: session {SessionId} restored from backup {BackupId} (version {Version}, {Events} events)",
            backup.State.SessionId, backupId, backup.State.Version, backup.Events.Count);
        return new BackupRestored(backup.State.SessionId, backupId, backup.State.Version, backup.Events.Count, time.GetUtcNow());
    }
}
