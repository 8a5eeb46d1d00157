using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using SessionManagement.Contracts.Saver;
using SessionManagement.Contracts.Scheduler;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Routes;

/// <summary>Backups: list a session's or every session's newest, take them now (besides the schedule), restore one. The saver does the work.</summary>
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
                    return Results.Ok(restored.Message);
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
}
