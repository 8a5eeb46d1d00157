using MassTransit;
using SessionManagement.Contracts.Saver;
using SessionManagement.Contracts.Scheduler;
using SessionManagement.Saver.Backups;

namespace SessionManagement.Saver.Consumers;

/// <summary>Scheduled backups, on-demand restores and the backup list.</summary>
public sealed class BackupsConsumer(SessionBackups backups, IBackupStore store) : IConsumer<RunBackups>, IConsumer<RestoreBackup>, IConsumer<ListBackups>
{
    public async Task Consume(ConsumeContext<RunBackups> context)
    {
        var outcomes = await backups.BackUpChangedAsync(context.Message.CommandId, context.CancellationToken);
        if (outcomes.Count > 0)
            await context.PublishBatch(outcomes, context.CancellationToken);
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
        var list = await store.ListAsync(context.Message.SessionId, context.CancellationToken);
        await context.RespondAsync(new BackupsListed(context.Message.SessionId,
            list.Select(b => new BackupEntry(b.BackupId, b.Version, b.CreatedAt, b.SizeBytes, b.Checksum)).ToList()));
    }
}
