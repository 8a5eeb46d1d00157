using MassTransit;
using Microsoft.Extensions.Options;
using SessionManagement.Chat.Storage;
using SessionManagement.Contracts.Saver;
using SessionManagement.Contracts.Scheduler;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Chat.Consumers;

/// <summary>
/// Chat's part of cleanup: every session trimmed, oldest first, to <c>chat_management.history_retention</c> messages and
/// <c>session_storage.max_size_mb</c>; a session the saver purged is dropped here too.
/// </summary>
public sealed class ChatCleanupConsumer(IChatStore store, IOptions<ChatManagementOptions> chat, IOptions<SessionStorageOptions> storage, TimeProvider time)
    : IConsumer<RunCleanup>, IConsumer<SessionPurged>
{
    public async Task Consume(ConsumeContext<RunCleanup> context)
    {
        var (trimmed, bytes) = await store.CleanupAsync(chat.Value.HistoryRetention, storage.Value.MaxSizeMb * 1024L * 1024, context.CancellationToken);
        await context.Publish(new CleanupCompleted(context.Message.CommandId, ChatModule.Name, 0, 0, trimmed, bytes, time.GetUtcNow()), context.CancellationToken);
    }

    public Task Consume(ConsumeContext<SessionPurged> context) => store.DeleteSessionAsync(context.Message.SessionId, context.CancellationToken);
}
