using MassTransit;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Saver;

namespace SessionManagement.Gateway.Web.Live;

/// <summary>
/// Hands chat's and the saver's notices to the web view's open pages. Every gateway has an endpoint of its own (temporary, named
/// after its instance), so each sees every notice whichever process stored the data.
/// </summary>
internal sealed class LiveFeedConsumer(LiveFeed feed) : IConsumer<MessagesAppended>, IConsumer<SessionSaved>
{
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
