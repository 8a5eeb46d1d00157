using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionManagement.Bridge;
using SessionManagement.Bridge.Privacy;
using SessionManagement.Gateway.Accept;
using SessionManagement.Gateway.Capture;
using SessionManagement.Gateway.Health;
using SessionManagement.Gateway.Journal;
using SessionManagement.Gateway.Options;
using SessionManagement.Gateway.Registry;
using SessionManagement.Gateway.Spool;
using SessionManagement.Gateway.Transcripts;
using SessionManagement.Hosting.Security;

namespace SessionManagement.Gateway.Routes;

internal static class GatewayRoutes
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var gateway = app.MapGroup("").AddEndpointFilter(new AccessFilter(app.ServiceProvider.GetRequiredService<AccessTokens>()));
        gateway.MapPost("/hooks", PostHookAsync).Allow(AccessRole.Capture);
        gateway.MapPost("/statusline", PostStatusLineAsync).Allow(AccessRole.Capture);
        gateway.MapGet("/api/hooks", async (IHookRegistryStore store, HookRegistryRecorder recorder, string? host, string? project, CancellationToken cancellationToken) =>
        {
            await recorder.FlushAsync(cancellationToken);
            return Results.Ok(await store.ListAsync(host, project, cancellationToken));
        });
        gateway.MapGet("/api/journal", async (IDeliveryJournal journal, string? status, int? limit, CancellationToken cancellationToken) =>
        {
            DeliveryStatus? wanted = null;
            if (status is not null)
            {
                if (!Enum.TryParse<DeliveryStatus>(status, ignoreCase: true, out var parsed))
                    return Results.BadRequest(new { error = $"status must be one of {string.Join(", ", Enum.GetNames<DeliveryStatus>())}" });
                wanted = parsed;
            }
            return Results.Ok(await journal.ListAsync(wanted, Math.Clamp(limit ?? 100, 1, 1_000), cancellationToken));
        });
        ReadApiRoutes.Map(gateway);
        SessionBranch.Map(gateway);
        SessionPlacement.Map(gateway);
        ToolResultRoutes.Map(gateway);
        ContextRoutes.Map(gateway);
        BackupRoutes.Map(gateway);
        StatusRoutes.Map(gateway);
        ErrorRoutes.Map(gateway);
        AuditRoutes.Map(gateway);
        KeyRoutes.Map(gateway);
        gateway.MapGet("/api/privacy", (SecretRedactor redactor, AtRest atRest) => Results.Ok(new
        {
            redaction = new { privateSpans = true, secretDetectors = redactor.DetectsSecrets, secretPatterns = redactor.Patterns },
            encryption = new { atRest = atRest.Seals, currentKey = atRest.CurrentKeyId },
        })).Allow(AccessRole.Read);
        gateway.MapPost("/api/spool/drain", async (SpoolDrainer drainer, CancellationToken cancellationToken) =>
            Results.Ok(await drainer.DrainAsync(cancellationToken)));
    }

    private static async Task<IResult> PostHookAsync(
        HttpContext http, HookCapture capture, SessionContextLoader loader, TranscriptPoller transcripts,
        RejectedInputs rejected, SecretRedactor redactor, AtRest atRest, IOptions<GatewayOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var headers = http.Request.Headers;
        var channel = headers[BridgeHeaders.Spooled] == "1" ? CaptureChannel.Spool
            : headers.ContainsKey(BridgeHeaders.BridgeVersion) ? CaptureChannel.SmHook
            : CaptureChannel.Http;
        var eventId = Guid.TryParse(headers[BridgeHeaders.EventId], out var stamped) && stamped != Guid.Empty ? stamped : Guid.CreateVersion7();
        var receivedAt = DateTimeOffset.TryParse(headers[BridgeHeaders.ReceivedAt], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at)
            ? at : time.GetUtcNow();

        var body = await HookBody.ReadAsync(http.Request, options.Value.MaxPayloadBytes, rejected.KeepBytes, cancellationToken);
        // A user's own token says whose the hook is; the deployment's token (or none, on loopback) leaves it to sm-hook's header.
        var user = Caller.Of(http) is { Named: true } caller ? caller.Name : Header(headers, BridgeHeaders.User);
        var request = new CaptureRequest(body.Bytes, channel, eventId, receivedAt, Header(headers, BridgeHeaders.Host),
            user, Header(headers, BridgeHeaders.ProjectDir), Header(headers, BridgeHeaders.BridgeVersion));

        if (body.Oversized)
        {
            var problem = $"input of {body.Length} bytes is over the {options.Value.MaxPayloadBytes}-byte limit";
            var kept = rejected.Keep(eventId, atRest.Seal(redactor.RedactHook(body.Bytes), GatewayRecords.RejectedInput));
            await capture.RejectOversizedAsync(request, eventId, receivedAt, problem, body.Length, body.Sha256!, kept, cancellationToken);
            return Results.Json(new { error = problem, eventId, kept = kept ?? "journal (length and SHA-256 only)", bytesKept = kept is null ? 0 : body.Bytes.Length },
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var result = await capture.CaptureAsync(request, cancellationToken);
        switch (result.Outcome)
        {
            case CaptureOutcome.Rejected:
                return Results.Json(new { error = result.Problem, eventId, kept = "journal" }, statusCode: StatusCodes.Status400BadRequest);
            case CaptureOutcome.Failed:
            case CaptureOutcome.Spooled when channel == CaptureChannel.Spool: // the caller's spool file must stay
                return Results.Json(new { error = result.Problem, eventId }, statusCode: StatusCodes.Status503ServiceUnavailable);
            case CaptureOutcome.InProgress:
                return Results.Json(new { error = result.Problem, eventId }, statusCode: StatusCodes.Status409Conflict);
        }

        var input = result.Input!;
        transcripts.AfterHook(input);
        var output = input.HookEventName == "SessionStart" && result.Outcome != CaptureOutcome.Duplicate && channel != CaptureChannel.Spool
            ? HookOutput.ForSessionStart(await loader.LoadAsync(input, request.User ?? Environment.UserName, cancellationToken))
            : HookOutput.Empty;
        return Results.Text(output, "application/json");
    }

    private static async Task<IResult> PostStatusLineAsync(HttpContext http, ActiveSessions sessions, GatewaySpool spool, SessionStatusLookup status,
        IHookAcceptor acceptor, CancellationToken cancellationToken)
    {
        using var input = new MemoryStream();
        await http.Request.Body.CopyToAsync(input, cancellationToken);
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(input.GetBuffer().AsMemory(0, (int)input.Length));
        }
        catch (JsonException)
        {
            // The row is still rendered from what can be read; a status line never errors.
        }
        using (document)
        {
            var root = document?.RootElement ?? default;
            var sessionId = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("session_id", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString() : null;
            var captured = sessionId is null ? 0 : sessions.Find(sessionId)?.EventsCaptured ?? 0;
            var warnings = new List<string>();
            if (acceptor.Unavailable is not null)
                warnings.Add("not ready: hooks are spooled");
            warnings.AddRange(acceptor.HeldBack(HookIntakeHealthCheck.HeldBackAfter).Select(h => $"{h.Module} not storing: {h.Hooks} held"));
            var extras = new StatusExtras(true, captured, spool.Directory.List().Count, warnings);
            if (sessionId is not null)
                extras = await status.AddToAsync(extras, sessionId, cancellationToken);
            var colour = http.Request.Query["colour"] != "0" && http.Request.Query["color"] != "0";
            return Results.Text(StatusRow.Render(root, extras, colour, http.Request.Query["format"] == "two-line"), "text/plain; charset=utf-8");
        }
    }

    private static string? Header(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var value) && value.Count > 0 && !string.IsNullOrEmpty(value[0]) ? value[0] : null;
}
