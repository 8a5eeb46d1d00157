using MassTransit;
using SessionManagement.Context.Storage;
using SessionManagement.Contracts.Saver;

namespace SessionManagement.Context.Consumers;

/// <summary>A session the saver purged takes its session-scoped items with it (project, user and team items stay).</summary>
public sealed class SessionPurgedConsumer(IContextStore store) : IConsumer<SessionPurged>
{
    public async Task Consume(ConsumeContext<SessionPurged> context)
    {
        var items = await store.InScopeAsync("session", context.Message.SessionId, context.CancellationToken);
        if (items.Count > 0)
            await store.DeleteAsync(items.Select(i => i.ItemId).ToList(), context.CancellationToken);
    }
}
