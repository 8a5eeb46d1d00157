using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Saver;
using SessionManagement.Contracts.Status;
using SessionManagement.Notifier.Delivery;
using SessionManagement.Notifier.Options;

namespace SessionManagement.Notifier.Consumers;

/// <summary>Every notification event, to the console (a log line), the desktop (when asked) and the webhooks that asked for it.</summary>
public sealed class NotificationConsumer(WebhookForwarder webhooks, DesktopNotifier desktop, IOptions<NotifierOptions> options, TimeProvider time,
    ILogger<NotificationConsumer> logger) :
    IConsumer<SessionStarted>, IConsumer<SessionEnded>, IConsumer<BackupCompleted>, IConsumer<BackupFailed>,
    IConsumer<SessionCorrupted>, IConsumer<SessionRecovered>, IConsumer<CleanupCompleted>, IConsumer<HealthChanged>
{
    public Task Consume(ConsumeContext<SessionStarted> c) => NotifyAsync(c, $"session {c.Message.SessionId} started ({c.Message.Source}) in {c.Message.Cwd}");

    public Task Consume(ConsumeContext<SessionEnded> c) => NotifyAsync(c, $"session {c.Message.SessionId} ended ({c.Message.Reason}) after {c.Message.EventCount} events");

    public Task Consume(ConsumeContext<BackupCompleted> c) => NotifyAsync(c, $"session {c.Message.SessionId} backed up ({c.Message.SizeBytes} bytes)");

    public Task Consume(ConsumeContext<BackupFailed> c) => NotifyAsync(c, $"backup of session {c.Message.SessionId} failed: {c.Message.Reason}");

    public Task Consume(ConsumeContext<SessionCorrupted> c) => NotifyAsync(c, $"session {c.Message.SessionId} is corrupted: {c.Message.Detail}");

    public Task Consume(ConsumeContext<SessionRecovered> c) => NotifyAsync(c, $"session {c.Message.SessionId} recovered ({c.Message.Method}): {c.Message.Detail}");

    public Task Consume(ConsumeContext<CleanupCompleted> c) =>
        NotifyAsync(c, $"{c.Message.Module} cleanup: {c.Message.SessionsArchived} archived, {c.Message.SessionsPurged} purged, {c.Message.RecordsTrimmed} trimmed");

    public Task Consume(ConsumeContext<HealthChanged> c) =>
        NotifyAsync(c, $"{c.Message.Module} on {c.Message.Instance}: {c.Message.Previous} → {c.Message.Current} ({c.Message.Description})");

    private async Task NotifyAsync<T>(ConsumeContext<T> context, string summary) where T : class
    {
        // The delivery id follows the message, so a redelivered event is the same delivery to the receivers.
        var notification = new Notification(context.MessageId ?? Guid.NewGuid(), typeof(T).Name, summary, context.Message, time.GetUtcNow());
        if (options.Value.Console)
            logger.LogInformation("Notification: {Type}: {Summary}", notification.Type, summary);
        await desktop.ShowAsync(notification, context.CancellationToken);
        await webhooks.ForwardAsync(notification, context.CancellationToken);
    }
}
