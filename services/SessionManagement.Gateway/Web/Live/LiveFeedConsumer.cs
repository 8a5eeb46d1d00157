using MassTransit;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Saver;
using SessionManagement.Gateway.Capture;

namespace SessionManagement.Gateway.Web.Live;

/// <summary>
/// Hands chat's and the saver's notices to the web view's open pages. Every gateway has an endpoint of its own (temporary, named
/// after its instance), so each sees every notice whichever process stored the data. And, the one notice every gateway must see, a
/// session deleted for good: each drops what it holds of it (<see cref="SessionErasure"/>), and hears which modules have erased theirs
/// (<see cref="ErasureWatch"/>; on the same endpoint: each endpoint of the embedded host costs resident memory).
/// </summary>
internal sealed class LiveFeedConsumer(LiveFeed feed, SessionErasure erasure, ErasureWatch watch)
    : IConsumer<MessagesAppended>, IConsumer<SessionSaved>, IConsumer<SessionDeleted>, IConsumer<SessionErased>
{
    public Task Consume(ConsumeContext<SessionDeleted> context) => erasure.EraseAsync(context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<SessionErased> context)
    {
        watch.Heard(context.Message.SessionId, context.Message.Module);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<MessagesAppended> context)
    {
        if (feed.Readers > 0)
            feed.Publish(new LiveChange("messages", context.Message.SessionId, context.Message.MessageCount, context.Message.AppendedAt));
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<SessionSaved> context)
    {
        if (feed.Readers > 0)
            feed.Publish(new LiveChange("session", context.Message.SessionId, context.Message.EventCount, context.Message.SavedAt));
        return Task.CompletedTask;
    }
}
