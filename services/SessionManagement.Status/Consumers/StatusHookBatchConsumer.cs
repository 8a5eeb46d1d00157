using MassTransit;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Status.Tracking;

namespace SessionManagement.Status.Consumers;

/// <summary>Counts prompts, tool calls and errors from the hooks, a batch at a time.</summary>
public sealed class StatusHookBatchConsumer(StatusTracker tracker) : IConsumer<Batch<HookEventCaptured>>
{
    public Task Consume(ConsumeContext<Batch<HookEventCaptured>> context) =>
        tracker.HooksAsync(context.Message.Select(m => m.Message).ToList(), context.CancellationToken);
}
