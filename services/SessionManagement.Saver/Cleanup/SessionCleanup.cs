using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Saver;
using SessionManagement.Hosting.Options;
using SessionManagement.Saver.Backups;

namespace SessionManagement.Saver.Cleanup;

/// <summary>
/// The saver's part of cleanup: a session that ended more than <c>session_storage.cleanup_days</c> ago is archived —
/// it gets a verified backup of its final state (unless its newest backup already holds it) and an archive mark —
/// and, with <c>purge_after_archive</c>, its live data is then removed. Backups are never removed here, so the last
/// backup of every session stays. Running twice does the work once (archived sessions are passed over).
/// </summary>
public sealed class SessionCleanup(
    IArchiveStore archive,
    IBackupStore backups,
    SessionBackups backup,
    IOptions<SessionStorageOptions> storage,
    TimeProvider time,
    ILogger<SessionCleanup> logger)
{
    public async Task<(CleanupCompleted Completed, IReadOnlyList<object> Events)> RunAsync(Guid commandId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var events = new List<object>();
        int archived = 0, purged = 0;
        long trimmed = 0, freed = 0;
        foreach (var sessionId in await archive.EndedBeforeAsync(now.AddDays(-storage.Value.CleanupDays), cancellationToken))
        {
            var final = await FinalBackupAsync(commandId, sessionId, events, cancellationToken);
            if (final is null)
            {
                logger.LogWarning("Session {SessionId} is due for archiving but has no verified backup; left as it is", sessionId);
                continue;
            }
            await archive.MarkArchivedAsync(sessionId, final.Value, now, cancellationToken);
            archived++;
            if (!storage.Value.PurgeAfterArchive)
                continue;
            var (bytes, removed) = await archive.PurgeAsync(sessionId, cancellationToken);
            (purged, trimmed, freed) = (purged + 1, trimmed + removed, freed + bytes);
            events.Add(new SessionPurged(sessionId, final.Value, now));
            events.Add(new AuditRecorded(Guid.CreateVersion7(), now, "delete", "system", Environment.MachineName, sessionId,
                $"archived and purged by cleanup; its backup {final.Value} is kept"));
            logger.LogInformation("Audit: session {SessionId} archived and purged; its backup {BackupId} is kept", sessionId, final.Value);
        }
        return (new CleanupCompleted(commandId, SaverModule.Name, archived, purged, trimmed, freed, time.GetUtcNow()), events);
    }

    /// <summary>The backup that holds the session's final state: the newest one if it does, else one taken now.</summary>
    private async Task<Guid?> FinalBackupAsync(Guid commandId, string sessionId, List<object> events, CancellationToken cancellationToken)
    {
        var current = await backups.ReadSessionAsync(sessionId, cancellationToken);
        var newest = (await backups.ListAsync(sessionId, cancellationToken)).FirstOrDefault();
        if (current is not null && newest is not null && newest.Version >= current.State.Version)
            return newest.BackupId;
        var outcome = await backup.BackUpAsync(commandId, sessionId, cancellationToken);
        events.Add(outcome);
        return outcome is BackupCompleted completed ? completed.BackupId : null;
    }
}
