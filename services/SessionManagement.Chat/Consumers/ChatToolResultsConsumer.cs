using MassTransit;
using Microsoft.Extensions.Logging;
using SessionManagement.Chat.Storage;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Gateway;

namespace SessionManagement.Chat.Consumers;

/// <summary>
/// Keeps the files of sessions' <c>tool-results</c> folders (a tool's full output, which the transcript names but does not hold), and
/// Claude Code's file checkpoints (<c>file-history/&lt;name&gt;</c>) and task lists (<c>tasks/list.json</c>), and gives them back for a
/// restore or a reader.
/// </summary>
public sealed class ChatToolResultsConsumer(IChatStore store, ILogger<ChatToolResultsConsumer> logger)
    : IConsumer<ToolResultCaptured>, IConsumer<ListToolResults>, IConsumer<GetToolResult>
{
    public async Task Consume(ConsumeContext<ToolResultCaptured> context)
    {
        var file = context.Message;
        if (!TranscriptFiles.IsKeptFileName(file.Name))
            throw new ArgumentException($"'{file.Name}' is not the name of a file in a session's {TranscriptFiles.ToolResultsFolder} folder, nor {TranscriptFiles.FileBackupPrefix} and a file checkpoint's name, nor {TaskListFiles.KeptName}");
        if (file.Length > TranscriptFiles.MaxToolResultBytes)
            throw new ArgumentException($"{file.Name} of session {file.SessionId} holds {file.Length} bytes, over the {TranscriptFiles.MaxToolResultBytes} a tool output file holds");
        var unpacked = TranscriptContent.Unpack(file.Content, file.ContentEncoding); // damaged content is refused here, not kept
        if (unpacked.LongLength != file.Length)
            throw new ArgumentException($"{file.Name} of session {file.SessionId} unpacks to {unpacked.LongLength} bytes, not the {file.Length} it says");
        if (file.Name == TaskListFiles.KeptName)
        {
            try
            {
                TaskListFiles.Files(unpacked);
            }
            catch (FormatException error)
            {
                throw new ArgumentException($"the task list of session {file.SessionId} is not one: {error.Message}", error);
            }
        }
        var stored = await store.SaveToolResultAsync(file, context.CancellationToken);
        if (stored)
            logger.LogDebug("Kept tool output {Name} of session {SessionId}: {Length} bytes", file.Name, file.SessionId, file.Length);
        if (context.RequestId is not null)
            await context.RespondAsync(new ToolResultStored(file.SessionId, file.Name, stored));
    }

    public async Task Consume(ConsumeContext<ListToolResults> context) =>
        await context.RespondAsync(new ToolResultsHeld(context.Message.SessionId,
            await store.ToolResultsAsync(context.Message.SessionId, context.CancellationToken)));

    public async Task Consume(ConsumeContext<GetToolResult> context)
    {
        var (sessionId, name) = (context.Message.SessionId, context.Message.Name);
        await context.RespondAsync(await store.ToolResultAsync(sessionId, name, context.CancellationToken) is { } kept
            ? new ToolResultContent(sessionId, name, true, kept.Content, kept.Encoding)
            : new ToolResultContent(sessionId, name, false, [], TranscriptContent.Plain));
    }
}
