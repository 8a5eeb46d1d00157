using MassTransit;
using SessionManagement.Contracts.Saver;

namespace SessionManagement.Gateway.Accept;

/// <summary>A session deleted for good: the embedded gateway's accepted-events log is rewritten, so none of its hooks' bytes stays there.</summary>
internal sealed class DeletedSessionConsumer(AcceptedEventLog log) : IConsumer<SessionDeleted>
{
    public Task Consume(ConsumeContext<SessionDeleted> context) => log.CompactAsync(context.CancellationToken);
}
