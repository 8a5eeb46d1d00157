using MassTransit;
using Microsoft.Extensions.Logging;
using SessionManagement.Chat.Backups;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Scheduler;
using SessionManagement.Hosting.Storage;

namespace SessionManagement.Chat.Consumers;

/// <summary>
/// Chat's part of backups: every session's transcript lines that changed since their backup (<see cref="TranscriptBackups"/>), scheduled
/// or asked for; and, when one session is restored from its backup, its transcript files put back where chat holds nothing of them.
/// </summary>
public sealed class ChatBackupsConsumer(TranscriptBackups backups, TimeProvider time, ILogger<ChatBackupsConsumer> logger)
    : IConsumer<RunBackups>, IConsumer<RestoreTranscriptBackups>
{
    public async Task Consume(ConsumeContext<RunBackups> context)
    {
        var tally = await BackupTally.RunAsync("the transcripts", t => backups.BackUpChangedAsync(t, context.CancellationToken), logger);
        if (tally.Written > 0)
            logger.LogInformation("Backed up {Files} transcript files in {Folder}", tally.Written, backups.Path);
        await context.Publish(tally.Ran(context.Message.CommandId, "transcripts", backups.Path, time.GetUtcNow()), context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<RestoreTranscriptBackups> context)
    {
        var sessionId = context.Message.SessionId;
        var announcements = new List<object>();
        var (files, lines, held) = await backups.RestoreSessionAsync(sessionId, announcements, context.CancellationToken);
        if (files > 0)
            logger.LogWarning("Audit: {Files} transcript files of session {SessionId} restored from their backups, {Lines} lines", files, sessionId, lines);
        // As for lines imported: status counts usage it has not counted, the saver takes the titles, caches drop what they held.
        foreach (var announcement in announcements)
            await context.Publish(announcement, announcement.GetType(), context.CancellationToken);
        await context.RespondAsync(new TranscriptBackupsRestored(sessionId, files, lines, held));
    }
}
