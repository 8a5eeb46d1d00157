using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionManagement.Contracts.Saver;
using SessionManagement.Gateway.Accept;
using SessionManagement.Gateway.Journal;
using SessionManagement.Gateway.Transcripts;

namespace SessionManagement.Gateway.Capture;

/// <summary>
/// What a gateway itself holds of a session deleted for good, dropped when it hears of the deletion (<see cref="SessionDeleted"/>): the
/// session is marked so that none of its transcripts is taken in again (<see cref="DeletedSession"/>), what was kept of its refused
/// inputs is forgotten (the journal's bytes and the heads in the rejected folder), and an embedded gateway's accepted-events log is
/// rewritten without its hooks.
/// </summary>
internal sealed class SessionErasure(ITranscriptCursorStore cursors, IDeliveryJournal journal, ErasureWatch watch, IServiceProvider services,
    ILogger<SessionErasure> logger)
{
    public async Task EraseAsync(SessionDeleted deleted, CancellationToken cancellationToken)
    {
        await cursors.MarkDeletedAsync(new DeletedSession(deleted.SessionId, deleted.DeletedAt, deleted.By), cancellationToken);
        var heads = await journal.ForgetInputsAsync(deleted.SessionId, cancellationToken);
        foreach (var head in heads)
        {
            try
            {
                File.Delete(head);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("The kept head of a refused input of deleted session {SessionId}, {Path}, could not be deleted: {Problem}",
                    deleted.SessionId, head, error.Message);
            }
        }
        if (services.GetService<AcceptedEventLog>() is { } log)
            await log.CompactAsync(cancellationToken);
        watch.Heard(deleted.SessionId, GatewayModule.Name);
    }
}
