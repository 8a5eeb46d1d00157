using MassTransit;
using Microsoft.Extensions.Logging;
using SessionManagement.Contracts.Saver;
using SessionManagement.Saver.Backups;
using SessionManagement.Saver.Cleanup;

namespace SessionManagement.Saver.Consumers;

/// <summary>
/// Deletes a session for good when someone asks (<see cref="DeleteSession"/>): what the saver holds of it, then its backups, then
/// announces <see cref="SessionDeleted"/> for the other modules to remove theirs. Asked again, it finds nothing and says so; a delete
/// that stopped half way is finished by asking again (the backups and the announcement come whether or not the state was still held).
/// </summary>
public sealed class SessionDeleteConsumer(IArchiveStore archive, IBackupStore backups, TimeProvider time, ILogger<SessionDeleteConsumer> logger)
    : IConsumer<DeleteSession>
{
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
        var deleted = new SessionDeleted(sessionId, Math.Max(0, events), kept.Count, time.GetUtcNow());
        logger.LogWarning("Audit: session {SessionId} deleted at the request of {By}: {Events} hooks and {Backups} backups; the other modules remove theirs",
            sessionId, context.Message.By, deleted.Events, deleted.Backups);
        await context.Publish(deleted, context.CancellationToken);
        await context.RespondAsync(deleted);
    }
}
