using MassTransit;
using SessionManagement.Contracts.Loader;
using SessionManagement.Loader.Rendering;

namespace SessionManagement.Loader.Consumers;

/// <summary>Answers the gateway's SessionStart request with the rendered context (from the cache when it is fresh).</summary>
public sealed class LoadSessionConsumer(SessionContextAssembler assembler) : IConsumer<LoadSession>
{
    public async Task Consume(ConsumeContext<LoadSession> context) =>
        await context.RespondAsync(await assembler.LoadAsync(context.Message, context.CancellationToken));
}
