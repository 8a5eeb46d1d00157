using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Saver;
using SessionManagement.Contracts.Scheduler;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Storage;
using SessionManagement.Saver.Backups;

namespace SessionManagement.Saver.Consumers;

/// <summary>
/// Scheduled backups (the sessions changed, and the audit trail), on-demand restores and the backup list. A run ends saying what it did
/// for each (<see cref="BackupsRan"/>): the status module keeps the last, and the doctor reads it.
/// </summary>
public sealed class BackupsConsumer(SessionBackups backups, AuditBackups audit, IBackupStore store, IOptions<StorageOptions> storage, TimeProvider time,
    ILogger<BackupsConsumer> logger) : IConsumer<RunBackups>, IConsumer<RestoreBackup>, IConsumer<ListBackups>
{
    public async Task Consume(ConsumeContext<RunBackups> context)
    {
        var commandId = context.Message.CommandId;
        var outcomes = new List<object>();
        var sessions = await BackupTally.RunAsync("the sessions", async tally =>
        {
            foreach (var outcome in await backups.BackUpChangedAsync(commandId, context.CancellationToken))
            {
                outcomes.Add(outcome);
                if (outcome is BackupFailed failed)
                    tally.Fail($"session {failed.SessionId}", failed.Reason);
                else
                    tally.Wrote();
            }
        }, logger);
        if (outcomes.Count > 0)
            await context.PublishBatch(outcomes, context.CancellationToken);
        // The sessions' backups are taken whatever becomes of the trail's: a failure there is tried again at the next run.
        var trail = await BackupTally.RunAsync("the audit trail", async tally => tally.Wrote(await audit.BackUpChangedAsync(context.CancellationToken)), logger);
        if (trail.Written > 0)
            logger.LogInformation("Backed up the audit trail of {Months} months in {Folder}", trail.Written, audit.Path);
        var at = time.GetUtcNow();
        await context.PublishBatch([sessions.Ran(commandId, "sessions", storage.Value.BackupPath, at), trail.Ran(commandId, "audit", audit.Path, at)],
            context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<RestoreBackup> context)
    {
        var outcome = await backups.RestoreAsync(context.Message.BackupId, context.CancellationToken);
        if (outcome is BackupRestored restored)
            await context.RespondAsync(restored);
        else
            await context.RespondAsync((BackupRestoreFailed)outcome);
    }

    public async Task Consume(ConsumeContext<ListBackups> context)
    {
        var (sessionId, limit) = (context.Message.SessionId, context.Message.Limit);
        IReadOnlyList<BackupInfo> list;
        int total;
        if (sessionId is null)
            (list, total) = await store.ListAllAsync(limit, context.CancellationToken);
        else
        {
            var ofSession = await store.ListAsync(sessionId, context.CancellationToken);
            (list, total) = (limit > 0 ? [.. ofSession.Take(limit)] : ofSession, ofSession.Count);
        }
        await context.RespondAsync(new BackupsListed(sessionId,
            list.Select(b => new BackupEntry(b.BackupId, b.Version, b.CreatedAt, b.SizeBytes, b.Checksum, b.SessionId)).ToList(), total));
    }
}
