using MassTransit;
using SessionManagement.Context.Backups;
using SessionManagement.Context.Storage;
using SessionManagement.Contracts.Saver;

namespace SessionManagement.Context.Consumers;

/// <summary>
/// A session the saver purged takes its session-scoped items with it (project, user and team items stay), once they are backed up
/// (<see cref="ContextBackups"/>): restoring the session from its backup gives them back. A session deleted for good takes them
/// with it unbacked, and their backup too.
/// </summary>
public sealed class SessionPurgedConsumer(IContextStore store, ContextBackups backups, TimeProvider time) : IConsumer<SessionPurged>, IConsumer<SessionDeleted>
{
    public async Task Consume(ConsumeContext<SessionDeleted> context)
    {
        var items = await store.InScopeAsync("session", context.Message.SessionId, context.CancellationToken);
        if (items.Count > 0)
            await store.DeleteAsync(items.Select(i => i.ItemId).ToList(), context.CancellationToken);
        await backups.DeleteSessionAsync(context.Message.SessionId, context.CancellationToken);
        await context.Publish(new SessionErased(context.Message.SessionId, ContextModule.Name, time.GetUtcNow()), context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<SessionPurged> context)
    {
        // A backup that fails fails the message: the items stay, and the purge is tried again.
        await backups.BackUpSessionAsync(context.Message.SessionId, context.CancellationToken);
        var items = await store.InScopeAsync("session", context.Message.SessionId, context.CancellationToken);
        if (items.Count > 0)
            await store.DeleteAsync(items.Select(i => i.ItemId).ToList(), context.CancellationToken);
    }
}
