using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionManagement.Contracts.Chat;
using SessionManagement.Contracts.Context;
using SessionManagement.Contracts.Saver;
using SessionManagement.Contracts.Scheduler;
using SessionManagement.Contracts.Status;
using SessionManagement.Hosting.Options;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Routes;

/// <summary>
/// Backups: list a session's or every session's newest, say whether each kind is being taken, take them now (besides the schedule),
/// restore one. The saver, chat and context do the work.
/// </summary>
internal static class BackupRoutes
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/api/sessions/{sessionId}/backups", async (ReadApiClient client, string sessionId, CancellationToken cancellationToken) =>
        {
            try
            {
                return Results.Ok(await client.AskAsync<ListBackups, BackupsListed>(new ListBackups(sessionId), cancellationToken));
            }
            catch (RequestTimeoutException)
            {
                return client.NoAnswer("saver");
            }
        });
        api.MapGet("/api/backups", async (ReadApiClient client, int? limit, CancellationToken cancellationToken) =>
        {
            if (!ReadApiRoutes.TryPage(0, limit, 100, 10_000, out _, out var count, out var problem))
                return ReadApiRoutes.BadRequest(problem!);
            try
            {
                return Results.Ok(await client.AskAsync<ListBackups, BackupsListed>(new ListBackups(null, count), cancellationToken));
            }
            catch (RequestTimeoutException)
            {
                return client.NoAnswer("saver");
            }
        });
        api.MapGet("/api/backups/runs", async (ReadApiClient client, IOptions<PersistenceOptions> persistence, TimeProvider time, CancellationToken cancellationToken) =>
        {
            try
            {
                return Results.Ok(await RunsAsync(client, persistence.Value, time, cancellationToken));
            }
            catch (RequestTimeoutException)
            {
                return client.NoAnswer("status");
            }
        });
        api.MapPost("/api/backups/run", async (IPublishEndpoint publish, TimeProvider time, CancellationToken cancellationToken) =>
        {
            var command = new RunBackups(Guid.CreateVersion7(), time.GetUtcNow());
            await publish.Publish(command, cancellationToken);
            return Results.Accepted(value: new { command.CommandId, note = "sessions changed since their last backup are backed up; BackupCompleted follows for each" });
        });
        api.MapPost("/api/backups/{backupId:guid}/restore", async (HttpContext http, ReadApiClient client, ILoggerFactory loggers, Guid backupId,
            CancellationToken cancellationToken) =>
        {
            try
            {
                var response = await client.AskAsync<RestoreBackup, BackupRestored, BackupRestoreFailed>(new RestoreBackup(Guid.CreateVersion7(), backupId), cancellationToken);
                if (response.Is(out Response<BackupRestored>? restored))
                {
                    await AuditTrail.RecordAsync(http, "backup-restore", restored.Message.SessionId, $"backup {backupId}");
                    return await WithItsConversationAsync(client, restored.Message, cancellationToken);
                }
                response.Is(out Response<BackupRestoreFailed>? failed);
                return Results.Json(new { error = failed!.Message.Reason }, statusCode: StatusCodes.Status404NotFound);
            }
            catch (RequestTimeoutException)
            {
                return client.NoAnswer("saver");
            }
        });
    }

    /// <summary>Each kind of backup, its last run and what to make of it (<see cref="BackupRunStates"/>).</summary>
    public static async Task<object> RunsAsync(ReadApiClient client, PersistenceOptions persistence, TimeProvider time, CancellationToken cancellationToken)
    {
        var found = await client.AskAsync<GetBackupRuns, BackupRunsFound>(new GetBackupRuns(), cancellationToken);
        var judged = BackupRunStates.Judge(found.Runs, time.GetUtcNow(), TimeSpan.FromSeconds(persistence.BackupFrequency), BackupRunStates.StartedAt);
        return new
        {
            EverySeconds = persistence.BackupFrequency,
            Every = BackupRunStates.Every(TimeSpan.FromSeconds(persistence.BackupFrequency)),
            Runs = judged.Select(j => new
            {
                j.Kind, j.Module, j.State, j.Detail, j.Run?.Folder, j.Run?.LastRunAt, j.Run?.Written, j.Run?.Failed, j.Run?.Problem, j.Run?.LastGoodAt,
            }),
        };
    }

    /// <summary>How long chat may take to put back a session's transcripts (a long session is many megabytes of lines).</summary>
    private const int RestoreTimeoutMs = 60_000;

    /// <summary>
    /// The saver's backup holds a session's state and hooks. What its transcripts said, and its own context items, come back from chat's and
    /// context's backups, where they hold nothing of them (a session purged after archiving): nothing is put back twice, so a restore
    /// that did not finish is finished by asking again.
    /// </summary>
    private static async Task<IResult> WithItsConversationAsync(ReadApiClient client, BackupRestored restored, CancellationToken cancellationToken)
    {
        var sessionId = restored.SessionId;
        var transcripts = client.AskAsync<RestoreTranscriptBackups, TranscriptBackupsRestored>(
            new RestoreTranscriptBackups(Guid.CreateVersion7(), sessionId), cancellationToken, RestoreTimeoutMs);
        var context = client.AskAsync<RestoreContextBackups, ContextBackupsRestored>(new RestoreContextBackups(Guid.CreateVersion7(), sessionId), cancellationToken);
        var unanswered = new List<string>();
        TranscriptBackupsRestored? lines = null;
        ContextBackupsRestored? items = null;
        try
        {
            lines = await transcripts;
        }
        catch (RequestTimeoutException)
        {
            unanswered.Add("chat (its transcripts)");
        }
        try
        {
            items = await context;
        }
        catch (RequestTimeoutException)
        {
            unanswered.Add("context (its own context items)");
        }
        if (unanswered.Count > 0)
            return Results.Json(new
            {
                error = $"session {sessionId} was restored from backup {restored.BackupId} (its state and {restored.EventCount} hooks), but {string.Join(" and ", unanswered)} " +
                    "did not answer in time: restore it again to finish, nothing is put back twice",
                restored.SessionId, restored.BackupId, restored.Version, restored.EventCount,
            }, statusCode: StatusCodes.Status504GatewayTimeout);
        return Results.Ok(new
        {
            restored.SessionId, restored.BackupId, restored.Version, restored.EventCount, restored.RestoredAt,
            TranscriptFiles = lines!.Files, TranscriptLines = lines.Lines, ContextItems = items!.Items,
        });
    }
}
