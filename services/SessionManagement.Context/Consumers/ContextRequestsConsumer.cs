using MassTransit;
using SessionManagement.Context.Items;
using SessionManagement.Contracts.Context;

namespace SessionManagement.Context.Consumers;

/// <summary>Answers the context API (save, merge, query) and announces every change.</summary>
public sealed class ContextRequestsConsumer(ContextItems items) : IConsumer<SaveContextItem>, IConsumer<QueryContext>
{
    public async Task Consume(ConsumeContext<SaveContextItem> context)
    {
        var (item, pruned, problem) = await items.SaveAsync(context.Message, null, context.CancellationToken);
        if (item is null)
        {
            await context.RespondAsync(new ContextItemRejected(problem!));
            return;
        }
        await context.Publish(new ContextUpdated(item.ItemId, item.Scope, item.SessionId, item.ProjectDir, item.User, item.Team, item.UpdatedAt),
            context.CancellationToken);
        await context.RespondAsync(new ContextItemSaved(ContextRules.View(item), pruned));
    }

    public async Task Consume(ConsumeContext<QueryContext> context)
    {
        var (found, corrupted) = await items.QueryAsync(context.Message, context.CancellationToken);
        await context.RespondAsync(new ContextItemsFound(found.Select(ContextRules.View).ToList(), corrupted));
    }
}
