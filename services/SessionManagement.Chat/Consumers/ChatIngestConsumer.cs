using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;
using SessionManagement.Chat.Messages;
using SessionManagement.Chat.Storage;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Gateway;
using SessionManagement.Hosting.Options;

namespace SessionManagement.Chat.Consumers;

/// <summary>
/// Builds the history: prompts and replies from the hooks that carry them, every record from transcript lines. Both arrive on
/// one endpoint and are written one message at a time, in the order they arrived (<see cref="AppendOrder"/>), so a hook's prompt
/// and its transcript twin meet in order; a batch's lines are read beside the write of the message before it. The
/// message is acknowledged after the write; a redelivery stores nothing twice.
/// </summary>
public sealed class ChatIngestConsumer(IChatStore store, AppendOrder order, IOptions<ChatManagementOptions> chat, ILogger<ChatIngestConsumer> logger)
    : IConsumer<ConversationHookCaptured>, IConsumer<ConversationHooksAccepted>, IConsumer<TranscriptLinesCaptured>
{
    private static readonly Counter InvalidLines = Metrics.CreateCounter(
        "sm_chat_invalid_lines_total", "Transcript lines that could not be read as records (kept raw).");

    private static readonly Counter Appended = Metrics.CreateCounter(
        "sm_chat_messages_appended_total", "Messages and transcript records stored for the first time.");

    public async Task Consume(ConsumeContext<ConversationHookCaptured> context)
    {
        using var turn = order.Take();
        if (HookMessageReader.Read(context.Message) is not { } message)
            return;
        await turn.WaitAsync(context.CancellationToken);
        await AppendAsync(context, [message]);
    }

    /// <summary>The embedded gateway's bursts: their prompts and replies stored together, in capture order.</summary>
    public async Task Consume(ConsumeContext<ConversationHooksAccepted> context)
    {
        using var turn = order.Take();
        var messages = context.Message.Events.Select(HookMessageReader.Read).OfType<ChatMessage>().ToList();
        if (messages.Count == 0)
            return;
        await turn.WaitAsync(context.CancellationToken);
        await AppendAsync(context, messages);
    }

    public async Task Consume(ConsumeContext<TranscriptLinesCaptured> context)
    {
        var batch = context.Message;
        IReadOnlyList<AppendResult> results = [];
        if (!string.IsNullOrEmpty(batch.SessionId) && (batch.ContentHandle is not null || batch.Content is { Length: > 0 }))
        {
            using var turn = order.Take();
            // Damaged content (InvalidDataException) fails the message: it stays whole in the error queue.
            using var block = TranscriptBlock.From(batch, chat.Value.MessageCompression);
            var records = TranscriptRecordReader.Read(block, batch.CapturedAt).ToList();
            await turn.WaitAsync(context.CancellationToken);
            results = await AppendAsync(context, records, batch.User);
        }
        // An import sends its batches as requests, to go only as fast as they are stored.
        if (context.RequestId.HasValue)
            await context.RespondAsync(new TranscriptLinesStored(batch.BatchId, batch.SessionId, results.Sum(r => r.Added), results.Sum(r => r.Merged),
                results.Sum(r => r.Invalid)));
    }

    /// <param name="user">Who a transcript batch was captured or imported for; null for hooks (status has their user from the hooks).</param>
    private async Task<IReadOnlyList<AppendResult>> AppendAsync(ConsumeContext context, IReadOnlyList<ChatMessage> messages, string? user = null)
    {
        var results = await store.AppendAsync(messages, chat.Value.HistoryRetention, context.CancellationToken);
        var now = DateTimeOffset.UtcNow;
        foreach (var result in results)
        {
            if (result.Invalid > 0)
            {
                InvalidLines.Inc(result.Invalid);
                foreach (var bad in messages.Where(m => m.SessionId == result.SessionId && m.Problem is not null).Take(3))
                    logger.LogWarning("Transcript of session {SessionId}: kept a line raw at offset {Offset} ({Problem})", bad.SessionId, bad.Sequence, bad.Problem);
            }
            if (result.Trimmed > 0)
                logger.LogInformation("Session {SessionId} is over its history retention: trimmed {Trimmed} oldest messages", result.SessionId, result.Trimmed);
            Appended.Inc(result.Added);
        }
        foreach (var announcement in await AppendAnnouncements.ForAsync(store, messages, results, user, now, context.CancellationToken))
            await context.Publish(announcement, announcement.GetType(), context.CancellationToken);
        return results;
    }
}
