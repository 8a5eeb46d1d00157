using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using SessionManagement.Gateway.Capture;
using SessionManagement.Gateway.Errors;
using SessionManagement.Gateway.Journal;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Routes;

/// <summary>
/// What could not be taken in: messages a module failed (RabbitMQ's <c>_error</c> queues), and input the gateway refused
/// (the delivery journal's rejected records, their heads kept in <c>&lt;data&gt;/rejected/</c>). <c>smctl errors</c> reads these.
/// </summary>
internal static class ErrorRoutes
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/api/errors", ListAsync);
        api.MapPost("/api/errors/replay", ReplayAsync);
        api.MapGet("/api/errors/rejected/{eventId:guid}", RejectedInputAsync);
    }

    /// <summary>
    /// What was kept of a refused input: its bytes, whole or its head (<c>X-SM-Kept</c>), from the journal or from
    /// <c>&lt;data&gt;/rejected/</c>; 404 when nothing was.
    /// </summary>
    private static async Task<IResult> RejectedInputAsync(IDeliveryJournal journal, AtRest atRest, HttpContext http, Guid eventId, CancellationToken cancellationToken)
    {
        var record = await journal.GetAsync(eventId, cancellationToken);
        if (record is not { Status: DeliveryStatus.Rejected })
            return Results.NotFound(new { error = $"no refused input {eventId} in the journal" });
        var bytes = Kept(record, atRest);
        if (bytes is null)
            return Results.NotFound(new { error = $"nothing of refused input {eventId} was kept (the rejected folder was over its budget)" });
        http.Response.Headers["X-SM-Kept"] = bytes.LongLength == record.SizeBytes ? "whole" : "head";
        return Results.Bytes(bytes, "application/octet-stream");
    }

    /// <summary>The bytes kept of a refused input: with its journal record, or in the rejected folder when it was over the size limit.</summary>
    private static byte[]? Kept(DeliveryRecord record, AtRest atRest)
    {
        if (record.RawInput is not null)
            return atRest.Open(record.RawInput, GatewayRecords.RejectedInput);
        try
        {
            return record.RawPath is { } path && File.Exists(path) ? atRest.Open(File.ReadAllBytes(path), GatewayRecords.RejectedInput) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string KeptOf(DeliveryRecord record, AtRest atRest) => Kept(record, atRest) is not { } bytes ? "nothing" : bytes.LongLength == record.SizeBytes ? "whole" : "head";

    private static async Task<IResult> ListAsync(ErrorQueues queues, IDeliveryJournal journal, AtRest atRest, ILoggerFactory loggers, int? peek, int? limit,
        CancellationToken cancellationToken)
    {
        if (peek is < 0 or > 100)
            return Results.BadRequest(new { error = "peek must be between 0 and 100" });
        if (limit is < 1 or > 1_000)
            return Results.BadRequest(new { error = "limit must be between 1 and 1000" });
        IReadOnlyList<ErrorQueue> faulted = [];
        string? problem = null;
        if (queues.Available)
        {
            try
            {
                faulted = await queues.ListAsync(peek ?? 10, cancellationToken);
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException)
            {
                problem = $"the broker's management API did not answer ({error.Message}); error queues are listed from it";
                loggers.CreateLogger(typeof(ErrorRoutes)).LogWarning("Listing error queues failed: {Problem}", error.Message);
            }
        }
        var rejected = await journal.ListAsync(DeliveryStatus.Rejected, limit ?? 100, cancellationToken);
        return Results.Ok(new
        {
            errorQueues = queues.Available ? "rabbitmq" : "none: the bus is in memory (a hook a module failed is handed to it again from the accepted-events log)",
            problem,
            queues = faulted,
            rejected = rejected.Select(r => new
            {
                r.EventId,
                r.ReceivedAt,
                r.SessionId,
                r.HookEventName,
                r.Channel,
                r.SizeBytes,
                r.Reason,
                kept = KeptOf(r, atRest),
                r.RawPath,
                r.RawSha256,
            }),
        });
    }

    private static async Task<IResult> ReplayAsync(ErrorQueues queues, string? queue, int? count, CancellationToken cancellationToken)
    {
        if (!queues.Available)
            return Results.Conflict(new { error = "the bus is in memory: there are no error queues to replay (a hook a module failed is handed to it again from the accepted-events log)" });
        if (string.IsNullOrWhiteSpace(queue))
            return Results.BadRequest(new { error = "queue is required: the queue whose failed messages go back to it (smctl errors list names them)" });
        if (count is < 1)
            return Results.BadRequest(new { error = "count must be at least 1" });
        try
        {
            var (moved, left) = await queues.ReplayAsync(queue, count ?? int.MaxValue, cancellationToken);
            return Results.Ok(new { queue = queue.EndsWith(ErrorQueues.Suffix, StringComparison.Ordinal) ? queue[..^ErrorQueues.Suffix.Length] : queue, moved, left });
        }
        catch (ArgumentException unknown)
        {
            return Results.NotFound(new { error = unknown.Message });
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException
                                          or RabbitMQ.Client.Exceptions.BrokerUnreachableException or RabbitMQ.Client.Exceptions.PublishException)
        {
            return Results.Json(new { error = $"the broker did not take the replay ({error.Message}); every message is still in the queue or its error queue" },
                statusCode: StatusCodes.Status502BadGateway);
        }
    }
}
