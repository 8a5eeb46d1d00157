using MassTransit;
using Microsoft.Extensions.Logging;
using SessionManagement.Context.Backups;
using SessionManagement.Contracts.Context;
using SessionManagement.Contracts.Scheduler;
using SessionManagement.Hosting.Storage;

namespace SessionManagement.Context.Consumers;

/// <summary>
/// The context module's part of backups: every scope whose items changed since their backup (<see cref="ContextBackups"/>), scheduled
/// or asked for; and, when one session is restored from its backup, its own items put back if the store holds none of them.
/// </summary>
public sealed class ContextBackupsConsumer(ContextBackups backups, TimeProvider time, ILogger<ContextBackupsConsumer> logger)
    : IConsumer<RunBackups>, IConsumer<RestoreContextBackups>
{
    public async Task Consume(ConsumeContext<RunBackups> context)
    {
        var tally = await BackupTally.RunAsync("the context items", t => backups.BackUpChangedAsync(t, context.CancellationToken), logger);
        if (tally.Written > 0)
            logger.LogInformation("Backed up the context items of {Scopes} scopes in {Folder}", tally.Written, backups.Path);
        await context.Publish(tally.Ran(context.Message.CommandId, "context", backups.Path, time.GetUtcNow()), context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<RestoreContextBackups> context)
    {
        var items = await backups.RestoreSessionAsync(context.Message.SessionId, context.CancellationToken);
        if (items.Count > 0)
        {
            logger.LogWarning("Audit: {Count} context items of session {SessionId} restored from its backup", items.Count, context.Message.SessionId);
            // Rendered contexts that used the session's scope are stale, as after any save.
            foreach (var item in items)
                await context.Publish(new ContextUpdated(item.ItemId, item.Scope, item.SessionId, item.ProjectDir, item.User, item.Team, item.UpdatedAt),
                    context.CancellationToken);
        }
        await context.RespondAsync(new ContextBackupsRestored(context.Message.SessionId, items.Count));
    }
}
