using MassTransit;
using Microsoft.Extensions.Options;
using SessionManagement.Chat.Backups;
using SessionManagement.Chat.Storage;
using SessionManagement.Contracts.Saver;
using SessionManagement.Contracts.Scheduler;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Chat.Consumers;

/// <summary>
/// Chat's part of cleanup: every session trimmed, oldest first, to <c>chat_management.history_retention</c> messages and
/// <c>session_storage.max_size_mb</c>; a session the saver purged is dropped here too, once its transcript lines are backed up
/// (<see cref="TranscriptBackups"/>): the saver's backup of it keeps its state and hooks, this one what its transcripts said. A session
/// deleted for good goes with its backups, overwritten in the file.
/// </summary>
public sealed class ChatCleanupConsumer(IChatStore store, TranscriptBackups backups, IOptions<ChatManagementOptions> chat, IOptions<SessionStorageOptions> storage,
    TimeProvider time)
    : IConsumer<RunCleanup>, IConsumer<SessionPurged>, IConsumer<SessionDeleted>
{
    public async Task Consume(ConsumeContext<RunCleanup> context)
    {
        var (trimmed, bytes) = await store.CleanupAsync(chat.Value.HistoryRetention, storage.Value.MaxSizeMb * 1024L * 1024, context.CancellationToken);
        await context.Publish(new CleanupCompleted(context.Message.CommandId, ChatModule.Name, 0, 0, trimmed, bytes, time.GetUtcNow()), context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<SessionPurged> context)
    {
        // A backup that fails fails the message: the lines stay, and the purge is tried again.
        var sessionId = context.Message.SessionId;
        await backups.BackUpAndPurgeAsync(sessionId, () => store.DeleteSessionAsync(sessionId, context.CancellationToken), context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<SessionDeleted> context)
    {
        await store.EraseSessionAsync(context.Message.SessionId, context.CancellationToken);
        await backups.DeleteSessionAsync(context.Message.SessionId, context.CancellationToken);
        await context.Publish(new SessionErased(context.Message.SessionId, ChatModule.Name, time.GetUtcNow()), context.CancellationToken);
    }
}
