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

/// <summary>The same for the embedded gateway's bursts of hooks (<see cref="HookEventsAccepted"/>).</summary>
public sealed class StatusHooksAcceptedConsumer(StatusTracker tracker) : IConsumer<Batch<HookEventsAccepted>>
{
    public Task Consume(ConsumeContext<Batch<HookEventsAccepted>> context) =>
        tracker.HooksAsync(context.Message.SelectMany(m => m.Message.Events).ToList(), context.CancellationToken);
}
