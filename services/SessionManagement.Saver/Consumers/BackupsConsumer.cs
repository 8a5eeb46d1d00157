using MassTransit;
using Microsoft.Extensions.Logging;
using SessionManagement.Contracts.Saver;
using SessionManagement.Contracts.Scheduler;
using SessionManagement.Saver.Backups;

namespace SessionManagement.Saver.Consumers;

/// <summary>Scheduled backups (the sessions changed, and the audit trail), on-demand restores and the backup list.</summary>
public sealed class BackupsConsumer(SessionBackups backups, AuditBackups audit, IBackupStore store, ILogger<BackupsConsumer> logger)
    : IConsumer<RunBackups>, IConsumer<RestoreBackup>, IConsumer<ListBackups>
{
    public async Task Consume(ConsumeContext<RunBackups> context)
    {
        var outcomes = await backups.BackUpChangedAsync(context.Message.CommandId, context.CancellationToken);
        if (outcomes.Count > 0)
            await context.PublishBatch(outcomes, context.CancellationToken);
        try
        {
            if (await audit.BackUpChangedAsync(context.CancellationToken) is > 0 and var months)
                logger.LogInformation("Backed up the audit trail of {Months} months in {Folder}", months, audit.Path);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // The sessions' backups are taken: the trail's is tried again at the next run.
            logger.LogError(error, "Backing up the audit trail failed");
        }
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
