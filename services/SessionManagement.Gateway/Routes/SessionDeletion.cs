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
/// context items, with their backups, as they receive its <see cref="SessionDeleted"/>, and so does every gateway what it kept. The
/// answer comes once they have said so (<see cref="SessionErased"/>), or after <see cref="ErasuresWithin"/> naming those that have not
/// (a module not running erases its part when it starts). Audited, with who asked. From the answer on, none of its transcripts is taken
/// in again (<see cref="DeletedSession"/>).
/// </summary>
internal static class SessionDeletion
{
    public static async Task<IResult> RouteAsync(HttpContext http, ReadApiClient client, string sessionId, CancellationToken cancellationToken)
    {
        if (!HookInput.IsValidSessionId(sessionId))
            return ReadApiRoutes.BadRequest($"'{sessionId}' is not a session id");
        try
        {
            if (await DeleteAsync(http, client, sessionId, cancellationToken) is not { } done)
                return Results.Json(new { error = $"no session {sessionId} is held, nor any backup of it" }, statusCode: StatusCodes.Status404NotFound);
            var d = done.Deleted;
            return Results.Ok(new
            {
                d.SessionId, d.Events, d.Backups, d.DeletedAt, done.Erased, done.Waiting,
                Note = done.Waiting.Count == 0
                    ? "nothing of it is held any more: the saver, chat, context and this gateway have erased their parts, with their backups"
                    : $"the saver holds nothing of it any more; {string.Join(" and ", done.Waiting)} did not say within {ErasuresWithin.TotalSeconds:0} s that they erased theirs: each does as it receives the deletion",
            });
        }
        catch (RequestTimeoutException)
        {
            return client.NoAnswer("saver");
        }
    }

    /// <summary>How long a delete's answer waits for the modules that hold content to say they erased it.</summary>
    public static readonly TimeSpan ErasuresWithin = TimeSpan.FromSeconds(10);

    /// <summary>A deletion done: the saver's answer, the modules that have erased their parts, and those not heard from in time.</summary>
    public sealed record Done(SessionDeleted Deleted, IReadOnlyList<string> Erased, IReadOnlyList<string> Waiting);

    /// <summary>
    /// Asks the saver to delete the session, marks it so that its transcripts are not taken in again (this gateway hears of the deletion
    /// too, but perhaps after the answer), records who did, and waits for the other modules' word; null when nothing of it is held. The
    /// saver not answering throws.
    /// </summary>
    public static async Task<Done?> DeleteAsync(HttpContext http, ReadApiClient client, string sessionId, CancellationToken cancellationToken)
    {
        using var watch = http.RequestServices.GetRequiredService<ErasureWatch>().Begin(sessionId);
        var response = await client.AskAsync<DeleteSession, SessionDeleted, SessionNotFound>(
            new DeleteSession(Guid.CreateVersion7(), sessionId, AuditTrail.Actor(http)), cancellationToken);
        if (!response.Is(out Response<SessionDeleted>? deleted))
            return null;
        var d = deleted.Message;
        await http.RequestServices.GetRequiredService<ITranscriptCursorStore>().MarkDeletedAsync(new DeletedSession(sessionId, d.DeletedAt, AuditTrail.Actor(http)), cancellationToken);
        await AuditTrail.RecordAsync(http, "delete", sessionId, $"deleted for good: {d.Events} hooks, {d.Backups} backups");
        var (erased, waiting) = await watch.UntilErasedAsync(ErasuresWithin, cancellationToken);
        return new Done(d, erased, waiting);
    }
}
