using MassTransit;
using Microsoft.Extensions.Logging;
using SessionManagement.Chat.Backups;
using SessionManagement.Contracts.Scheduler;

namespace SessionManagement.Chat.Consumers;

/// <summary>Chat's part of the scheduled backups: every session's transcript lines that changed since their backup (<see cref="TranscriptBackups"/>).</summary>
public sealed class ChatBackupsConsumer(TranscriptBackups backups, ILogger<ChatBackupsConsumer> logger) : IConsumer<RunBackups>
{
    public async Task Consume(ConsumeContext<RunBackups> context)
    {
        var written = await backups.BackUpChangedAsync(context.CancellationToken);
        if (written > 0)
            logger.LogInformation("Backed up {Files} transcript files in {Folder}", written, backups.Path);
    }
}
