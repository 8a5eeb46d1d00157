using MassTransit;
using SessionManagement.Contracts.Scheduler;
using SessionManagement.Saver.Cleanup;

namespace SessionManagement.Saver.Consumers;

/// <summary>Answers the schedule's RunCleanup: archive (and purge) old sessions, then say what was done.</summary>
public sealed class CleanupConsumer(SessionCleanup cleanup) : IConsumer<RunCleanup>
{
    public async Task Consume(ConsumeContext<RunCleanup> context)
    {
        var (completed, events) = await cleanup.RunAsync(context.Message.CommandId, context.CancellationToken);
        await context.PublishBatch([.. events, completed], context.CancellationToken);
    }
}
