using MassTransit;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Contracts.Loader;

namespace SessionManagement.Testing;

/// <summary>Records what the gateway publishes and, for the sessions a test names, plays the loader.</summary>
public sealed class ObserverConsumer(ObservedMessages observed) :
    IConsumer<HookEventCaptured>,
    IConsumer<TranscriptLinesCaptured>,
    IConsumer<LoadSession>
{
    public Task Consume(ConsumeContext<HookEventCaptured> context)
    {
        observed.Hooks.Enqueue(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<TranscriptLinesCaptured> context)
    {
        observed.TranscriptBatches.Enqueue(context.Message);
        return Task.CompletedTask;
    }

    public async Task Consume(ConsumeContext<LoadSession> context)
    {
        if (observed.ContextToAnswer.TryGetValue(context.Message.SessionId, out var text))
            await context.RespondAsync(new SessionLoaded(context.Message.RequestId, context.Message.SessionId, text, [], DateTimeOffset.UtcNow));
    }
}
