using MassTransit;
using Microsoft.Extensions.Logging;
using SessionManagement.Contracts.Saver;
using SessionManagement.Contracts.Scheduler;
using SessionManagement.Saver.Backups;
using SessionManagement.Saver.Cleanup;

namespace SessionManagement.Saver.Consumers;

/// <summary>
/// Answers the schedule's RunCleanup: archive (and purge) old sessions, then say what was done. And deletes a session for good when
/// someone asks (<see cref="DeleteSession"/>): what the saver holds of it, then its backups, then announces <see cref="SessionDeleted"/>
/// for the other modules to remove theirs. Asked again, it finds nothing and says so; a delete that stopped half way is finished by
/// asking again (the backups and the announcement come whether or not the state was still held). One endpoint for both: each
/// endpoint of the embedded host costs resident memory.
/// </summary>
public sealed class CleanupConsumer(SessionCleanup cleanup, IArchiveStore archive, IBackupStore backups, TimeProvider time, ILogger<CleanupConsumer> logger)
    : IConsumer<RunCleanup>, IConsumer<DeleteSession>
{
    public async Task Consume(ConsumeContext<RunCleanup> context)
    {
        var (completed, events) = await cleanup.RunAsync(context.Message.CommandId, context.CancellationToken);
        await context.PublishBatch([.. events, completed], context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<DeleteSession> context)
    {
        var sessionId = context.Message.SessionId;
        var events = await archive.EraseAsync(sessionId, context.CancellationToken);
        var kept = await backups.ListAsync(sessionId, context.CancellationToken);
        if (events < 0 && kept.Count == 0)
        {
            await context.RespondAsync(new SessionNotFound(sessionId));
            return;
        }
        if (kept.Count > 0)
            await backups.DeleteAsync(kept.Select(b => b.BackupId).ToList(), context.CancellationToken);
        var deleted = new SessionDeleted(sessionId, Math.Max(0, events), kept.Count, time.GetUtcNow(), context.Message.By);
        logger.LogWarning("Audit: session {SessionId} deleted at the request of {By}: {Events} hooks and {Backups} backups; the other modules remove theirs",
            sessionId, context.Message.By, deleted.Events, deleted.Backups);
        await context.Publish(deleted, context.CancellationToken);
        await context.RespondAsync(deleted);
    }
}
