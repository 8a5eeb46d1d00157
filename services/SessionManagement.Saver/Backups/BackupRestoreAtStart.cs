using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SessionManagement.Hosting.Options;
using SessionManagement.Contracts.Saver;
using SessionManagement.Saver.Storage;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Saver.Backups;

/// <summary>
/// <c>--restore-backups=true</c>: at start, every session in the backup folder is restored from its newest intact backup — whole
/// when the store does not hold it (a store started again after it was damaged), or only the raw events the store lost when it
/// does (events stored since the backup are kept); and the audit trail from its files (<see cref="AuditBackups"/>). The way back after
/// a damaged database was moved aside.
/// </summary>
internal sealed class BackupRestoreAtStart(
    IConfiguration configuration,
    BackupFolder folder,
    IBackupStore backups,
    ISessionStore store,
    ILogger<BackupRestoreAtStart> logger,
    AtRest atRest,
    AuditBackups audit) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!string.Equals(configuration[StorageOptions.RestoreBackupsSwitch], "true", StringComparison.OrdinalIgnoreCase))
            return;
        int whole = 0, partly = 0, lost = 0, unreadable = 0;
        foreach (var sessionId in folder.NewestVersions().Keys)
        {
            var backup = await NewestIntactAsync(sessionId, cancellationToken);
            if (backup is null)
            {
                unreadable++;
                continue;
            }
            if (await store.GetAsync(sessionId, cancellationToken) is null)
            {
                await backups.RestoreAsync(backup, cancellationToken);
                whole++;
                continue;
            }
            var stored = (await store.EventsAsync(sessionId, cancellationToken)).Select(e => e.EventId).ToHashSet();
            var missing = backup.Events.Where(e => !stored.Contains(e.EventId)).ToList();
            if (missing.Count == 0)
                continue;
            await store.SaveAsync(missing, cancellationToken);
            // Derived again from all its raw events now held (the store's own counts may have been damaged with them).
            if (await store.DeriveAsync(sessionId, cancellationToken) is { } derived && await store.GetAsync(sessionId, cancellationToken) is { } current)
                await store.ReplaceAsync(derived with { ParentSessionId = current.ParentSessionId ?? derived.ParentSessionId }, current.Version + 1, cancellationToken);
            (partly, lost) = (partly + 1, lost + missing.Count);
        }
        // The trail of what was done before, then this restore's own entry after it.
        var (entries, damaged) = await audit.RestoreAsync(cancellationToken);
        logger.LogWarning("Audit: restored from the backups in {Folder}: {Whole} sessions whole, {Partly} sessions' {Lost} lost raw events; {Unreadable} sessions had no intact backup; " +
            "the audit trail's {Entries} entries ({Damaged} months' files damaged)", folder.Path, whole, partly, lost, unreadable, entries, damaged);
        await store.RecordAuditAsync([new AuditRecorded(Guid.CreateVersion7(), DateTimeOffset.UtcNow, "recovery", "system", Environment.MachineName, null,
            $"restored from the backups in {folder.Path} at start: {whole} sessions whole, {partly} sessions' {lost} lost raw events; {unreadable} sessions had no intact backup")],
            cancellationToken);
    }

    private async Task<SessionBackup?> NewestIntactAsync(string sessionId, CancellationToken cancellationToken)
    {
        foreach (var info in folder.List(sessionId))
        {
            if (await folder.GetAsync(info.BackupId, cancellationToken) is { } found && BackupCodec.Decode(found.Body, found.Info.Checksum, atRest) is { } backup)
                return backup;
        }
        return null;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
