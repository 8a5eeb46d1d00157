using MassTransit;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Contracts.Loader;

namespace SessionManagement.Testing;

/// <summary>Records what the gateway publishes.</summary>
public sealed class ObserverConsumer(ObservedMessages observed) :
    IConsumer<HookEventCaptured>,
    IConsumer<TranscriptLinesCaptured>
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

}
