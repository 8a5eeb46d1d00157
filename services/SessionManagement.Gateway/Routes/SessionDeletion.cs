using MassTransit;
using Microsoft.AspNetCore.Http;
using SessionManagement.Contracts.Saver;
using Microsoft.Extensions.DependencyInjection;
using SessionManagement.Gateway.Capture;
using SessionManagement.Gateway.Transcripts;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Routes;

/// <summary>
/// <c>DELETE /api/sessions/{id}</c> (admin): a session deleted for good, for a secret kept that should not have been. The saver removes
/// its state, hooks and backups and answers; chat and context remove its conversation, search entries, transcript lines and own
/// context items, with their backups, as they receive its <see cref="SessionDeleted"/>. Audited, with who asked. From the answer on, none
/// of its transcripts is taken in again (<see cref="DeletedSession"/>).
/// </summary>
internal static class SessionDeletion
{
    public static async Task<IResult> RouteAsync(HttpContext http, ReadApiClient client, string sessionId, CancellationToken cancellationToken)
    {
        if (!HookInput.IsValidSessionId(sessionId))
            return ReadApiRoutes.BadRequest($"'{sessionId}' is not a session id");
        try
        {
            if (await DeleteAsync(http, client, sessionId, cancellationToken) is not { } d)
                return Results.Json(new { error = $"no session {sessionId} is held, nor any backup of it" }, statusCode: StatusCodes.Status404NotFound);
            return Results.Ok(new
            {
                d.SessionId, d.Events, d.Backups, d.DeletedAt,
                Note = "the saver holds nothing of it any more; chat and context remove its conversation, transcript lines and own context items, with their backups, as they receive the deletion",
            });
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("saver");
        }
    }

    /// <summary>
    /// Asks the saver to delete the session, marks it so that its transcripts are not taken in again (this gateway hears of the deletion
    /// too, but perhaps after the answer), and records who did; null when nothing of it is held. The saver not answering throws.
    /// </summary>
    public static async Task<SessionDeleted?> DeleteAsync(HttpContext http, ReadApiClient client, string sessionId, CancellationToken cancellationToken)
    {
        var response = await client.AskAsync<DeleteSession, SessionDeleted, SessionNotFound>(
            new DeleteSession(Guid.CreateVersion7(), sessionId, AuditTrail.Actor(http)), cancellationToken);
        if (!response.Is(out Response<SessionDeleted>? deleted))
            return null;
        var d = deleted.Message;
        await http.RequestServices.GetRequiredService<ITranscriptCursorStore>().MarkDeletedAsync(new DeletedSession(sessionId, d.DeletedAt, AuditTrail.Actor(http)), cancellationToken);
        await AuditTrail.RecordAsync(http, "delete", sessionId, $"deleted for good: {d.Events} hooks, {d.Backups} backups");
        return d;
    }
}
