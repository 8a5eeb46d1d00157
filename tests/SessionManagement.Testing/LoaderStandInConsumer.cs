using MassTransit;
using SessionManagement.Contracts.Loader;

namespace SessionManagement.Testing;

/// <summary>
/// Plays the loader for the sessions a test names, on an endpoint of its own so a request is never
/// queued behind the hooks the observer is recording.
/// </summary>
public sealed class LoaderStandInConsumer(ObservedMessages observed) : IConsumer<LoadSession>
{
    public async Task Consume(ConsumeContext<LoadSession> context)
    {
        if (observed.ContextToAnswer.TryGetValue(context.Message.SessionId, out var text))
            await context.RespondAsync(new SessionLoaded(context.Message.RequestId, context.Message.SessionId, text, [], DateTimeOffset.UtcNow));
    }
}
